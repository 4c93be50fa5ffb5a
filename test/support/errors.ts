/** Test helper: the QdrantError a synchronous call throws. */
import { expect } from 'vitest';
import { QdrantError } from '../../src/engine/errors';

/** Runs `fn`, expects it to throw a QdrantError and returns it; fails the test if it returns. */
export function errorOf(fn: () => unknown): QdrantError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QdrantError);
    return error as QdrantError;
  }
  throw new Error('expected an error');
}

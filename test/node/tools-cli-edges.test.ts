/**
 * Review of the CLI (src/rest/cli.ts). Its USAGE text, printed by `veclite serve --help`, reads
 * "Usage: veclite serve [options]" and lists under "Options:" both `-h, --help` and
 * `-v, --version` ("the version"). `veclite serve --help` works; `veclite serve --version`
 * (and `-v`) is rejected as an unknown option with exit code 2.
 */
import { expect, test } from 'vitest';
import { main, USAGE } from '../../src/rest/cli';
import { VECLITE_VERSION } from '../../src/rest/routes';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {}, onSignal: () => () => {} },
  };
}

test('`veclite serve --version` / `-v`, listed as serve options in --help, print the version and exit 0', async () => {
  expect(USAGE).toMatch(/^Usage: veclite serve \[options\]/);
  expect(USAGE).toMatch(/^ {2}-v, --version {2,}the version$/m);
  for (const flag of ['--version', '-v']) {
    const run = io();
    const code = await main(['serve', flag], run.io);
    // veclite: exit 2 with "veclite: unknown option --version" and the usage on stderr.
    expect(run.err.join('\n'), flag).not.toMatch(/unknown option/);
    expect(code, flag).toBe(0);
    expect(run.out, flag).toEqual([VECLITE_VERSION]);
  }
});

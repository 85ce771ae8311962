#!/usr/bin/env node
/** The `smartcache` bin: dispatch only; the commands live beside this file. */
import { exitQuietlyOnClosedPipes } from './pipes';
import { runCli } from './program';

exitQuietlyOnClosedPipes();
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

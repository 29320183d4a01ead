#!/usr/bin/env node
// Runs a stand-in (java for DynamoDB Local, node for cognito-local) as a child that dies with its parent:
// when the parent goes away for any reason, even SIGKILL, our stdin closes and we stop the child.
// Without it an aborted test run leaves JVMs holding ports and memory.
'use strict';
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 3000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('error', (err) => {
  console.error(`tether: cannot start ${command}: ${err.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

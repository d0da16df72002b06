#!/usr/bin/env node
/** The `edgefit` command: one file per subcommand; this one dispatches and turns errors into clear messages. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EdgefitError } from '../ir/errors.js';
import { convertCommand, usage as convertUsage } from './convert.js';
import { demoCommand, usage as demoUsage } from './demo.js';
import { deployCommand, usage as deployUsage } from './deploy.js';
import { fitCommand, usage as fitUsage } from './fit.js';
import { inspectCommand, usage as inspectUsage } from './inspect.js';
import { quantizeCommand, usage as quantizeUsage } from './quantize.js';
import { runCommand, usage as runUsage } from './run.js';

const commands: Record<string, { run: (argv: string[], out: (s: string) => void) => void | Promise<void>; usage: string; what: string }> = {
  demo: { run: demoCommand, usage: demoUsage, what: 'run the whole pipeline on a bundled real model' },
  inspect: { run: inspectCommand, usage: inspectUsage, what: 'summarize a model: I/O, per-op table, MACs, parameters' },
  run: { run: runCommand, usage: runUsage, what: 'run a model in the edgefit interpreter on .npy or random inputs' },
  deploy: { run: deployCommand, usage: deployUsage, what: 'write a deployable project: TFLite Micro (exact op resolver, arena size) or standalone C' },
  quantize: { run: quantizeCommand, usage: quantizeUsage, what: 'post-training quantization: int8, int16x8, dynamic range, float16' },
  fit: { run: fitCommand, usage: fitUsage, what: 'will it fit a device? flash, RAM, latency, energy, op support, what to do' },
  convert: { run: convertCommand, usage: convertUsage, what: 'convert Keras (.h5/.keras), TF.js, ONNX or TFLite to .tflite, simplified and verified' },
};

function help(): string {
  return ['edgefit — take a trained network onto an edge device', '', 'Commands:', ...Object.values(commands).map((c) => `  ${c.usage.padEnd(60)} ${c.what}`)].join('\n');
}

export async function main(argv: string[], out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`edgefit: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  try {
    await command.run(rest, out);
    return 0;
  } catch (e) {
    if (e instanceof EdgefitError) {
      console.error(`edgefit ${name}: error [${e.code}] ${e.message}`);
      return 1;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`edgefit ${name}: ${e.message}\nusage: ${command.usage}`);
      return 2;
    }
    throw e;
  }
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) process.exitCode = await main(process.argv.slice(2));

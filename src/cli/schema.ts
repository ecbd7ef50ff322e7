// `toolgate schema`: print the JSON Schema of toolgate.yaml for editors.
import type { Command } from 'commander';
import { configJsonSchema } from '../config/index.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of toolgate.yaml (for editor completion and validation)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printServedSchema } from '../graphql/schema';

const target = path.resolve(__dirname, '../../schema/schema.graphql');
writeFileSync(target, printServedSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

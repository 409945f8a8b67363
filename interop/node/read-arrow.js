#!/usr/bin/env node
// Reads an Arrow IPC file that Voxelflow stored (random-access "file" format, as written by Java's
// ArrowFileWriter; e.g. an artifacts/{sha256}.arrow object) with the npm apache-arrow package.
//
//   node read-arrow.js FILE.arrow
//
// Prints ONE JSON object on stdout:
//   {"rows": n, "batches": b, "columns": [names], "types": [type strings], "sums": {column: sum}}
// where "sums" has the sum of the non-null values of every numeric (int, float) column; a 64-bit
// integer sum beyond 2^53 is given as a decimal string. Usage errors exit with 2.
'use strict';

const fs = require('fs');
const { tableFromIPC, DataType } = require('apache-arrow');

function main() {
  const args = process.argv.slice(2);
  if (args.length !== 1) {
    process.stderr.write('usage: node read-arrow.js FILE.arrow\n');
    process.exit(2);
  }
  const table = tableFromIPC(fs.readFileSync(args[0]));
  const fields = table.schema.fields;
  const sums = {};
  for (const field of fields) {
    if (!DataType.isInt(field.type) && !DataType.isFloat(field.type)) continue;
    const column = table.getChild(field.name);
    let sum = 0;
    let big = 0n;
    let isBig = false;
    for (const v of column) {
      if (v === null || v === undefined) continue;
      if (typeof v === 'bigint') {
        isBig = true;
        big += v;
      } else {
        sum += v;
      }
    }
    if (isBig) {
      const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
      sums[field.name] = safe ? Number(big) : big.toString();
    } else {
      sums[field.name] = sum;
    }
  }
  process.stdout.write(JSON.stringify({
    rows: table.numRows,
    batches: table.batches.length,
    columns: fields.map((f) => f.name),
    types: fields.map((f) => String(f.type)),
    sums,
  }) + '\n');
}

main();

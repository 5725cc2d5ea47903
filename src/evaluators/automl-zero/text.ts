/**
 * Text form of programs: one instruction a line (`s3 = s1 - s0`,
 * `v2 = s3 * v0`, `s1 = dot(v1, v0)`, `s2 = 0.35`) under `def Setup():`,
 * `def Predict():` and `def Learn():` headers. Printing then parsing gives the
 * same program back; numbers print in JavaScript's shortest round-trip form.
 *
 * Parsing works by shape: slot names are replaced by their type letter and
 * numbers by `#`, and the resulting shape (e.g. `v=s*v`) names the op, so
 * `v1 * v2` (elementwise) and `s1 * v2` (scalar-vector) need no extra syntax.
 */
import { DomainInputError } from '../../domain/domain.js';
import { OPS, type OpDef, type SlotType } from './ops.js';
import { BoundedMap } from './bounded-map.js';
import type { ComponentName, Instruction, Program } from './program.js';

const HEADERS: Record<ComponentName, string> = { setup: 'def Setup():', predict: 'def Predict():', learn: 'def Learn():' };

export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

// Instructions are immutable once built and shared between parent and child programs: print each once.
const printed = new WeakMap<Instruction, string>();

export function printInstruction(x: Instruction): string {
  let text = printed.get(x);
  if (text === undefined) {
    text = formatInstruction(x);
    printed.set(x, text);
  }
  return text;
}

function formatInstruction(x: Instruction): string {
  const op = OPS[x.op];
  return op.template
    .replace('{o}', op.out === null ? '' : `${op.out}${x.out}`)
    .replace('{a}', op.in1 === null ? '' : `${op.in1}${x.in1}`)
    .replace('{b}', op.in2 === null ? '' : `${op.in2}${x.in2}`)
    .replace(/\{d(\d)\}/g, (_, i: string) => formatNumber(x.data[Number(i)]));
}

// Component lists are never changed once built (mutations copy the one they change): print each once.
const printedComponents = new WeakMap<readonly Instruction[], string>();

function printComponent(name: ComponentName, code: readonly Instruction[]): string {
  let text = printedComponents.get(code);
  if (text === undefined) {
    text = HEADERS[name];
    for (const x of code) text += `\n  ${printInstruction(x)}`;
    printedComponents.set(code, text);
  }
  return text;
}

export function printProgram(p: Program): string {
  return `${printComponent('setup', p.setup)}\n${printComponent('predict', p.predict)}\n${printComponent('learn', p.learn)}`;
}

// An axis argument (kept as shape text), a slot (`s12`) or a number (`-1.5e-3`).
const TOKEN = /(axis=\d)|\b([svm])(\d+)\b|(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/g;

interface Shape {
  key: string;
  slots: Array<[SlotType, number]>;
  numbers: number[];
}

function shapeOf(line: string): Shape {
  const slots: Array<[SlotType, number]> = [];
  const numbers: number[] = [];
  const key = line.replace(/\s+/g, '').replace(TOKEN, (_, axis: string | undefined, type: string | undefined, addr: string | undefined, num: string | undefined) => {
    if (axis !== undefined) return axis;
    if (type !== undefined) {
      slots.push([type as SlotType, Number(addr)]);
      return type;
    }
    numbers.push(Number(num));
    return '#';
  });
  return { key, slots, numbers };
}

interface ShapeEntry {
  op: OpDef;
  /** For each `#` in the shape: the data index it fills, or the literal it must equal (e.g. the 1 in `1 / s2`). */
  numberRoles: Array<{ data: number } | { literal: number }>;
}

/** Shape key -> op, built once from the templates with marker values standing in for data. */
const SHAPES: Map<string, ShapeEntry> = (() => {
  const shapes = new Map<string, ShapeEntry>();
  const markers = [0.125, 0.25, 0.375]; // values no template spells as a literal
  for (const op of OPS) {
    const sample: Instruction = { op: op.id, in1: 2, in2: 3, out: 1, data: markers.slice(0, op.dataCount) };
    const shape = shapeOf(formatInstruction(sample));
    const numberRoles = shape.numbers.map((n) => {
      const i = markers.indexOf(n);
      return i >= 0 && i < op.dataCount ? { data: i } : { literal: n };
    });
    if (shapes.has(shape.key)) throw new Error(`automl-zero: ops ${shapes.get(shape.key)!.op.name} and ${op.name} print alike`);
    shapes.set(shape.key, { op, numberRoles });
  }
  return shapes;
})();

// Parsed instructions are immutable and lines recur across parent and child programs: parse each line once.
const parsedLines = new BoundedMap<string, Instruction>(100000);

/** Parses one instruction line; throws DomainInputError naming the line. */
export function parseInstruction(line: string, where = 'instruction'): Instruction {
  let x = parsedLines.get(line);
  if (x === undefined) {
    x = parseInstructionUncached(line, where);
    parsedLines.set(line, x);
    printed.set(x, formatInstruction(x));
  }
  return x;
}

function parseInstructionUncached(line: string, where: string): Instruction {
  const shape = shapeOf(line);
  const entry = SHAPES.get(shape.key);
  if (entry === undefined) throw new DomainInputError(`${where}: cannot read "${line.trim()}" as an AutoML-Zero instruction`);
  const { op, numberRoles } = entry;
  const data = new Array<number>(op.dataCount).fill(0);
  numberRoles.forEach((role, i) => {
    const value = shape.numbers[i];
    if ('literal' in role) {
      if (value !== role.literal) throw new DomainInputError(`${where}: expected ${role.literal} in "${line.trim()}"`);
    } else {
      data[role.data] = value;
    }
  });
  // Slots appear in text order: output first, then in1, in2.
  const slots = shape.slots;
  let k = 0;
  const out = op.out === null ? 0 : slots[k++][1];
  const in1 = op.in1 === null ? 0 : slots[k++][1];
  const in2 = op.in2 === null ? 0 : slots[k++][1];
  return { op: op.id, in1, in2, out, data };
}

/** Parses a whole program. Blank lines and `#` comments are ignored; a missing component is empty. */
export function parseProgram(text: string): Program {
  const program: Program = { setup: [], predict: [], learn: [] };
  let current: ComponentName | null = null;
  const seen = new Set<ComponentName>();
  text.split('\n').forEach((raw, lineIndex) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const header = /^def\s+(Setup|Predict|Learn)\s*\(\s*\)\s*:$/i.exec(line);
    if (header) {
      current = header[1].toLowerCase() as ComponentName;
      if (seen.has(current)) throw new DomainInputError(`program: line ${lineIndex + 1}: ${header[1]} defined twice`);
      seen.add(current);
      return;
    }
    if (current === null) throw new DomainInputError(`program: line ${lineIndex + 1}: instruction before any "def Setup():" / "def Predict():" / "def Learn():" header`);
    program[current].push(parseInstruction(line, `program: line ${lineIndex + 1}`));
  });
  return program;
}

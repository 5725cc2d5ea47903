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
import { LRUCache } from 'lru-cache';
import { COMPONENTS, type ComponentName, type Instruction, type Program } from './program.js';

const HEADERS: Record<ComponentName, string> = { setup: 'def Setup():', predict: 'def Predict():', learn: 'def Learn():' };

export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

/** One template part: literal text, or which field to print there. */
type Part = string | { field: 'o' | 'a' | 'b' } | { data: number };

/** Each op's template split once into parts, so printing is plain concatenation (children are printed in the hot loop). */
const TEMPLATE_PARTS: Part[][] = OPS.map((op) =>
  op.template.split(/(\{[oab]\}|\{d\d\})/).filter((t) => t !== '').map((t): Part => {
    if (t === '{o}' || t === '{a}' || t === '{b}') return { field: t[1] as 'o' | 'a' | 'b' };
    if (/^\{d\d\}$/.test(t)) return { data: Number(t[2]) };
    return t;
  }),
);

function slotText(type: SlotType | null, address: number): string {
  return type === null ? '' : type + address;
}

export function printInstruction(x: Instruction): string {
  const op = OPS[x.op];
  let text = '';
  for (const part of TEMPLATE_PARTS[x.op]) {
    if (typeof part === 'string') text += part;
    else if ('data' in part) text += formatNumber(x.data[part.data]);
    else if (part.field === 'o') text += slotText(op.out, x.out);
    else if (part.field === 'a') text += slotText(op.in1, x.in1);
    else text += slotText(op.in2, x.in2);
  }
  return text;
}

/** One component function: its header, then one indented instruction a line. */
function componentText(name: ComponentName, lines: readonly string[]): string {
  return lines.length === 0 ? HEADERS[name] : HEADERS[name] + '\n  ' + lines.join('\n  ');
}

export function printProgram(p: Program): string {
  return printIncrementally(p).text;
}

/** A program's text with its parts, so that a child can reuse what it shares. */
export interface PrintedProgram {
  program: Program;
  lines: Record<ComponentName, string[]>;
  components: Record<ComponentName, string>;
  text: string;
}

/**
 * Prints `program`, reusing the printed lines of `parent` for every
 * instruction object they share (instructions and component lists are never
 * changed once built, so sharing the object means sharing the text). A child
 * usually differs from its parent in one instruction: one line to print.
 */
export function printIncrementally(program: Program, parent?: PrintedProgram): PrintedProgram {
  const lines = {} as Record<ComponentName, string[]>;
  const components = {} as Record<ComponentName, string>;
  for (const c of COMPONENTS) {
    const code = program[c];
    if (parent !== undefined && parent.program[c] === code) {
      lines[c] = parent.lines[c];
      components[c] = parent.components[c];
      continue;
    }
    const before = parent?.program[c];
    const beforeLines = parent?.lines[c];
    lines[c] = code.map((x, i) => (before !== undefined && before[i] === x ? beforeLines![i] : printInstruction(x)));
    components[c] = componentText(c, lines[c]);
  }
  return { program, lines, components, text: components.setup + '\n' + components.predict + '\n' + components.learn };
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
    const shape = shapeOf(printInstruction(sample));
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
const parsedLines = new LRUCache<string, Instruction>({ max: 100000 });

/** Parses one instruction line; throws DomainInputError naming the line. */
export function parseInstruction(line: string, where = 'instruction'): Instruction {
  let x = parsedLines.get(line);
  if (x === undefined) {
    x = parseInstructionUncached(line, where);
    parsedLines.set(line, x);
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
  return parsePrinted(text) ?? parseAnyLayout(text);
}

// Component bodies recur (a child shares two of its three with its parent): parse each once.
const parsedBodies = new LRUCache<string, Instruction[]>({ max: 50000 });

/**
 * Fast path for text as printProgram writes it (what workers receive): split
 * at the three headers and look each component body up whole. Anything else
 * (comments, other order, a bad line) returns null and goes the general way,
 * which also gives the error message.
 */
function parsePrinted(text: string): Program | null {
  if (!text.startsWith(HEADERS.setup)) return null;
  const predictAt = text.indexOf('\n' + HEADERS.predict);
  const learnAt = predictAt < 0 ? -1 : text.indexOf('\n' + HEADERS.learn, predictAt + 1);
  if (learnAt < 0 || text.includes('#')) return null;
  const setup = parseBody('setup', text.slice(HEADERS.setup.length, predictAt));
  const predict = parseBody('predict', text.slice(predictAt + 1 + HEADERS.predict.length, learnAt));
  const learn = parseBody('learn', text.slice(learnAt + 1 + HEADERS.learn.length));
  return setup && predict && learn ? { setup, predict, learn } : null;
}

function parseBody(name: ComponentName, body: string): Instruction[] | null {
  const key = name + body;
  let code = parsedBodies.get(key);
  if (code !== undefined) return code;
  code = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('def ')) return null;
    try {
      code.push(parseInstruction(line));
    } catch {
      return null;
    }
  }
  parsedBodies.set(key, code);
  return code;
}

function parseAnyLayout(text: string): Program {
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

/**
 * The few pieces of the WebAssembly binary format that wasm-interpreter.ts
 * needs: LEB128 numbers, float constants, sections, and a module of imported
 * functions, one defined function and one memory (its own, exported, or
 * imported from another module: the lane-pair interpreter shares the
 * interpreter's).
 * Reference: the WebAssembly core specification, "Binary Format".
 */

export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function i32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function f64(x: number): number[] {
  return [...new Uint8Array(new Float64Array([x]).buffer)];
}

function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...u32(bytes.length), ...bytes];
}

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

export interface FunctionType {
  params: number[];
  results: number[];
}

export interface ModuleSpec {
  /** Imported functions, module "m": name and type. They take function indices 0..k-1. */
  imports: Array<{ name: string; type: FunctionType }>;
  /** The one defined function (index k), exported as `name`. */
  func: { name: string; type: FunctionType; locals: number[]; body: number[] };
  /** Initial pages (64 KiB each) of the exported memory "memory"; with `importMemory`, the least the imported "m.memory" must have. */
  pages: number;
  /** Import the memory as "m.memory" instead of defining and exporting one. */
  importMemory?: boolean;
}

const functype = (t: FunctionType): number[] => [0x60, ...vec(t.params.map((p) => [p])), ...vec(t.results.map((r) => [r]))];

export function encodeModule(spec: ModuleSpec): Uint8Array {
  const types = [...spec.imports.map((i) => i.type), spec.func.type];
  const locals = spec.func.locals.map((type) => [...u32(1), type]);
  const body = [...vec(locals), ...spec.func.body, 0x0b];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types.map(functype))),
    ...section(2, vec([
      ...spec.imports.map((imp, k) => [...name('m'), ...name(imp.name), 0x00, ...u32(k)]),
      ...(spec.importMemory ? [[...name('m'), ...name('memory'), 0x02, 0x00, ...u32(spec.pages)]] : []),
    ])),
    ...section(3, vec([u32(spec.imports.length)])),
    ...(spec.importMemory ? [] : section(5, vec([[0x00, ...u32(spec.pages)]]))),
    ...section(7, vec([
      [...name(spec.func.name), 0x00, ...u32(spec.imports.length)],
      ...(spec.importMemory ? [] : [[...name('memory'), 0x02, 0x00]]),
    ])),
    ...section(10, vec([[...u32(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}

/** Opcodes used (core spec, "Instructions"). */
export const op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i64Store: 0x37,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  i64Const: 0x42,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GeS: 0x4e,
  i32LtS: 0x48,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Or: 0x72,
  i32Shl: 0x74,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  /** Empty block type. */
  void: 0x40,
} as const;

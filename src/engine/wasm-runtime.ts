// WebAssembly for the engine's hot loops. The engine is pure ES (no DOM or Node typings), so the
// global WebAssembly object is reached through globalThis and typed here with just what is used.
// Modules come from `.wat` sources compiled at build time (config/wat-plugin.mjs, src/engine/wat.d.ts).

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: object };
}

export type Unavailable = { reason: string };

const api = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Compile once; the reason says why the JS fallback will be used instead. */
export function compileWasm(bytes: Uint8Array): object | Unavailable {
  const wasm = api();
  if (wasm === undefined) return { reason: 'this runtime has no WebAssembly' };
  try {
    return new wasm.Module(bytes);
  } catch (e) {
    return { reason: `the WebAssembly SIMD module did not compile (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** A fresh instance (with its own memory) of a compiled module. */
export function instantiateWasm<T>(module: object): T {
  return new (api() as WasmApi).Instance(module).exports as T;
}

/**
 * The one reusable instance of a module: compiled on first use, instantiated then and again after
 * `drop` — which lets the instance and its memory be collected (after a call that grew the memory
 * past what is worth keeping, or when growing it failed).
 */
export class CachedInstance<T> {
  private compiled: object | Unavailable | undefined;
  private current: T | undefined;

  constructor(private readonly bytes: Uint8Array) {}

  get(): T | Unavailable {
    if (this.current !== undefined) return this.current;
    this.compiled ??= compileWasm(this.bytes);
    if ('reason' in this.compiled) return this.compiled;
    this.current = instantiateWasm<T>(this.compiled);
    return this.current;
  }

  /** Forget the instance (only if it is still `which`, when given): the next get() makes a fresh one. */
  drop(which?: T): void {
    if (which === undefined || this.current === which) this.current = undefined;
  }
}

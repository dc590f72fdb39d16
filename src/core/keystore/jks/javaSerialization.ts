/**
 * Java Object Serialization (Java Object Serialization Specification §6.4), just enough for JCEKS secret
 * keys: JceKeyStore writes each one as `new ObjectOutputStream(dos).writeObject(sealedKey)` with no length
 * prefix, so the only way to find its end is to walk the stream, and the only way to read or write the key
 * inside is to read and write the few classes involved (SealedObject, SecretKeySpec, KeyRep).
 * Nothing is ever instantiated: the reader returns plain values (class name and field values).
 */
import { ByteReader, ByteWriter } from './dataStream';
import { MalformedKeystoreError } from '../errors';

/** A serialized object: its class and the values of the fields of every class in its hierarchy. */
export interface JavaObject {
  readonly type: 'object';
  readonly className: string;
  readonly fields: ReadonlyMap<string, JavaValue>;
}

/** An enum constant (TC_ENUM). */
export interface JavaEnum {
  readonly type: 'enum';
  readonly className: string;
  readonly constant: string;
}

/** What the reader returns: strings, byte arrays (as views), objects and enums; anything else is `other`. */
export type JavaValue = null | string | Uint8Array | JavaObject | JavaEnum | { readonly type: 'other' };

interface ClassDesc {
  readonly kind: 'classdesc';
  readonly name: string;
  readonly flags: number;
  readonly fields: readonly { readonly type: string; readonly name: string }[];
  readonly superDesc: ClassDesc | null;
}

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_CLASS = 0x76;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATALONG = 0x7a;
const TC_LONGSTRING = 0x7c;
const TC_PROXYCLASSDESC = 0x7d;
const TC_ENUM = 0x7e;
const BASE_HANDLE = 0x7e0000;
const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;
const PRIMITIVE_SIZE: Record<string, number> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };
const END = Symbol('endBlockData');
const OTHER = { type: 'other' } as const;
const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;

type Read = JavaValue | ClassDesc | typeof END | undefined;

/**
 * Reads one serialization stream (magic, version, one object) from `r`, leaving `r` after it.
 * `what` names the value in errors (e.g. `secret key entry`). Throws MalformedKeystoreError on any fault.
 */
export function readJavaObject(r: ByteReader, what: string): JavaValue {
  const at = r.offset;
  if (r.u16('serialization magic') !== STREAM_MAGIC || r.u16('serialization version') !== STREAM_VERSION) {
    throw new MalformedKeystoreError(`${what} is not a Java serialization stream`, at);
  }
  const stream = new StreamReader(r, what);
  const top = stream.content(0);
  if (top === END) return stream.fail('unexpected end of block data');
  return top === undefined || (typeof top === 'object' && top !== null && 'kind' in top) ? OTHER : top;
}

/** One stream being read: the bytes, the handle table back-references point into, and the value's name for errors. */
class StreamReader {
  private readonly handles: unknown[] = [];

  constructor(
    private readonly r: ByteReader,
    private readonly what: string,
  ) {}

  fail(why: string): never {
    throw new MalformedKeystoreError(`${this.what}: ${why}`, this.r.offset);
  }

  /** One content element (object, string, array, class descriptor, block data...), by its type code. */
  content(depth: number): Read {
    const r = this.r;
    if (depth > 64) this.fail('nesting too deep');
    const tc = r.u8('serialization type code');
    switch (tc) {
      case TC_NULL:
        return null;
      case TC_REFERENCE: {
        const h = r.u32('handle') - BASE_HANDLE;
        if (h < 0 || h >= this.handles.length) this.fail('dangling reference');
        return this.handles[h] as Read;
      }
      case TC_CLASSDESC:
        return this.newClassDesc(depth);
      case TC_PROXYCLASSDESC:
        return this.proxyClassDesc(depth);
      case TC_OBJECT:
        return this.object(depth);
      case TC_STRING: {
        const s = r.utf('string');
        this.handles.push(s);
        return s;
      }
      case TC_LONGSTRING: {
        const n = r.i64('long string length');
        if (n < 0n || n > BigInt(r.remaining)) this.fail('long string past the end');
        r.bytesView(Number(n), 'long string');
        this.handles.push(OTHER);
        return OTHER;
      }
      case TC_ARRAY:
        return this.array(depth);
      case TC_ENUM:
        return this.enumConstant(depth);
      case TC_CLASS: {
        const desc = this.classDesc(depth);
        this.handles.push(desc);
        return OTHER;
      }
      case TC_BLOCKDATA:
        r.bytesView(r.u8('block length'), 'block data');
        return undefined;
      case TC_BLOCKDATALONG:
        r.bytesView(r.u32('block length'), 'block data');
        return undefined;
      case TC_ENDBLOCKDATA:
        return END;
      default:
        return this.fail(`unsupported type code 0x${tc.toString(16)}`);
    }
  }

  private proxyClassDesc(depth: number): ClassDesc {
    const r = this.r;
    const h = this.handles.push(null) - 1;
    const n = r.u32('proxy interface count');
    if (n > r.remaining / 2) this.fail('proxy interface count too large');
    for (let i = 0; i < n; i++) r.utf('proxy interface');
    this.annotation(depth);
    const desc: ClassDesc = { kind: 'classdesc', name: '$Proxy', flags: SC_SERIALIZABLE, fields: [], superDesc: this.classDesc(depth) };
    this.handles[h] = desc;
    return desc;
  }

  private object(depth: number): JavaObject {
    const desc = this.classDesc(depth);
    if (desc === null) return this.fail('object without class');
    const fields = new Map<string, JavaValue>();
    const obj: JavaObject = { type: 'object', className: desc.name, fields };
    this.handles.push(obj);
    const chain: ClassDesc[] = [];
    for (let d: ClassDesc | null = desc; d; d = d.superDesc) chain.unshift(d);
    for (const d of chain) {
      if (d.flags & SC_EXTERNALIZABLE) {
        if (!(d.flags & SC_BLOCK_DATA)) this.fail('old-style externalizable data');
        this.annotation(depth);
      } else if (d.flags & SC_SERIALIZABLE) {
        for (const f of d.fields) fields.set(f.name, this.fieldValue(f.type, depth));
        if (d.flags & SC_WRITE_METHOD) this.annotation(depth);
      }
    }
    return obj;
  }

  private array(depth: number): Read {
    const r = this.r;
    const desc = this.classDesc(depth);
    if (desc === null || desc.name[0] !== '[') return this.fail('array without array class');
    const h = this.handles.push(OTHER) - 1;
    const n = r.u32('array length');
    const size = PRIMITIVE_SIZE[desc.name[1]];
    if (size !== undefined) {
      if (n > r.remaining / size) this.fail('array past the end');
      const bytes = r.bytesView(n * size, 'array');
      if (desc.name === '[B') {
        this.handles[h] = bytes;
        return bytes;
      }
    } else {
      if (n > r.remaining) this.fail('array past the end');
      for (let i = 0; i < n; i++) this.content(depth + 1);
    }
    return OTHER;
  }

  private enumConstant(depth: number): JavaEnum {
    const desc = this.classDesc(depth);
    const h = this.handles.push(OTHER) - 1;
    const constant = this.content(depth + 1);
    if (typeof constant !== 'string') return this.fail('enum constant is not a string');
    const e: JavaEnum = { type: 'enum', className: desc?.name ?? '', constant };
    this.handles[h] = e;
    return e;
  }

  private classDesc(depth: number): ClassDesc | null {
    const v = this.content(depth + 1);
    if (v === null) return null;
    if (typeof v !== 'object' || !('kind' in v) || v.kind !== 'classdesc') return this.fail('expected a class descriptor');
    return v;
  }

  private newClassDesc(depth: number): ClassDesc {
    const r = this.r;
    const name = r.utf('class name');
    r.bytesView(8, 'serialVersionUID');
    const h = this.handles.push(null) - 1;
    const flags = r.u8('class flags');
    const n = r.u16('field count');
    const fields: { type: string; name: string }[] = [];
    for (let i = 0; i < n; i++) {
      const type = String.fromCharCode(r.u8('field type'));
      const fieldName = r.utf('field name');
      if (type === 'L' || type === '[') {
        if (typeof this.content(depth + 1) !== 'string') this.fail('field class name is not a string');
      } else if (PRIMITIVE_SIZE[type] === undefined) {
        this.fail(`unknown field type ${JSON.stringify(type)}`);
      }
      fields.push({ type, name: fieldName });
    }
    this.annotation(depth);
    // The handle must exist before the super descriptor is read (it may refer back), so fill it in place.
    const desc: { kind: 'classdesc'; name: string; flags: number; fields: typeof fields; superDesc: ClassDesc | null } = {
      kind: 'classdesc',
      name,
      flags,
      fields,
      superDesc: null,
    };
    this.handles[h] = desc;
    desc.superDesc = this.classDesc(depth);
    return desc;
  }

  private annotation(depth: number): void {
    while (this.content(depth + 1) !== END) {
      /* skip annotation contents until TC_ENDBLOCKDATA */
    }
  }

  private fieldValue(type: string, depth: number): JavaValue {
    const size = PRIMITIVE_SIZE[type];
    if (size !== undefined) {
      this.r.bytesView(size, 'field value');
      return OTHER;
    }
    const v = this.content(depth + 1);
    if (v === END) return this.fail('unexpected end of block data');
    return v === undefined || (typeof v === 'object' && v !== null && 'kind' in v) ? OTHER : v;
  }
}

/** One field of a class written by `writeJavaObject`: an object reference (`L`) or a byte array (`[`). */
interface FieldSpec {
  readonly name: string;
  readonly type: 'L' | '[';
  readonly className: string;
  readonly value: string | Uint8Array;
}

/** A serializable class written by `writeJavaObject`: name, serialVersionUID (hex) and fields. */
export interface ClassSpec {
  readonly name: string;
  readonly suid: string;
  readonly fields: readonly FieldSpec[];
}

/** `[B`'s serialVersionUID, fixed by the JVM. */
const BYTE_ARRAY_SUID = 'acf317f8060854e0';

/**
 * Writes one serialization stream holding an object of `classes[0]` whose superclasses are the rest, every
 * field a String or a byte[], handles and back references exactly as java.io.ObjectOutputStream assigns them
 * (fields in declaration order as given: ObjectStreamClass sorts them, primitives first then by name).
 */
export function writeJavaObject(classes: readonly ClassSpec[]): Uint8Array {
  const w = new ByteWriter();
  const u8 = (n: number): ByteWriter => w.bytes(Uint8Array.of(n));
  let nextHandle = 0;
  const strings = new Map<string, number>();
  const writeString = (s: string, shared: boolean): void => {
    const h = shared ? strings.get(s) : undefined;
    if (h !== undefined) {
      u8(TC_REFERENCE).u32(BASE_HANDLE + h);
      return;
    }
    u8(TC_STRING).utf(s);
    const handle = nextHandle++;
    if (shared) strings.set(s, handle);
  };
  w.u16(STREAM_MAGIC).u16(STREAM_VERSION);
  u8(TC_OBJECT);
  for (const c of classes) {
    u8(TC_CLASSDESC).utf(c.name).bytes(Buffer.from(c.suid, 'hex'));
    nextHandle++;
    u8(SC_SERIALIZABLE).u16(c.fields.length);
    for (const f of c.fields) {
      u8(f.type.charCodeAt(0)).utf(f.name);
      // Field type names are shared strings: the second `[B` is a back reference.
      writeString(f.className, true);
    }
    u8(TC_ENDBLOCKDATA);
  }
  u8(TC_NULL);
  nextHandle++; // the object itself
  let byteArrayClass: number | undefined;
  // Values are written superclass first, as ObjectOutputStream.writeSerialData walks the hierarchy.
  for (const c of [...classes].reverse()) {
    for (const f of c.fields) {
      if (typeof f.value === 'string') {
        writeString(f.value, false);
        continue;
      }
      u8(TC_ARRAY);
      if (byteArrayClass === undefined) {
        u8(TC_CLASSDESC).utf('[B').bytes(Buffer.from(BYTE_ARRAY_SUID, 'hex'));
        byteArrayClass = nextHandle++;
        u8(SC_SERIALIZABLE).u16(0);
        u8(TC_ENDBLOCKDATA);
        u8(TC_NULL);
      } else {
        u8(TC_REFERENCE).u32(BASE_HANDLE + byteArrayClass);
      }
      nextHandle++;
      w.u32(f.value.length).bytes(f.value);
    }
  }
  return w.toBytes();
}

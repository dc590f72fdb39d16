/**
 * Iterated SHA-1 of a 20-byte digest (FIPS 180-4 §6.1.2) as a WebAssembly function assembled here, byte
 * by byte: 80 unrolled rounds with the message schedule and state in locals, one loop per iteration. A
 * one-shot CLI never runs JavaScript long enough for the optimizing compiler to finish with the JS rounds,
 * while WebAssembly starts compiled; this is what makes listing a Java 8-era PKCS12 (200,000 rounds) cheap.
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, size, contents. */
function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

/** WebAssembly opcodes used below (WebAssembly Core Specification §5.4). */
const OP = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  store: 0x36,
  const: 0x41,
  add: 0x6a,
  sub: 0x6b,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  rotl: 0x77,
} as const;

/**
 * The bytes assembleSha1Module produces, kept as text: assembling them at run time cost a one-shot CLI
 * more (cold code, in the interpreter) than the rounds they save. A unit test checks the two agree.
 */
export const SHA1_MODULE_BASE64 =
  'AGFzbQEAAAABBQFgAX8AAwIBAAUDAQABBwkCAW0CAAFmAAAK8SsB7isBW39BACgCACEBQQAoAgQhAkEAKAIIIQNBACgCDCEEQQAo' +
  'AhAhBQNAIAEhDCACIQ0gAyEOIAQhDyAFIRBBgICAgHghEUEAIRJBACETQQAhFEEAIRVBACEWQQAhF0EAIRhBACEZQQAhGkGgASEb' +
  'IBkgFHMgDnMgDHNBAXchHCAaIBVzIA9zIA1zQQF3IR0gGyAWcyAQcyAOc0EBdyEeIBwgF3MgEXMgD3NBAXchHyAdIBhzIBJzIBBz' +
  'QQF3ISAgHiAZcyATcyARc0EBdyEhIB8gGnMgFHMgEnNBAXchIiAgIBtzIBVzIBNzQQF3ISMgISAccyAWcyAUc0EBdyEkICIgHXMg' +
  'F3MgFXNBAXchJSAjIB5zIBhzIBZzQQF3ISYgJCAfcyAZcyAXc0EBdyEnICUgIHMgGnMgGHNBAXchKCAmICFzIBtzIBlzQQF3ISkg' +
  'JyAicyAccyAac0EBdyEqICggI3MgHXMgG3NBAXchKyApICRzIB5zIBxzQQF3ISwgKiAlcyAfcyAdc0EBdyEtICsgJnMgIHMgHnNB' +
  'AXchLiAsICdzICFzIB9zQQF3IS8gLSAocyAicyAgc0EBdyEwIC4gKXMgI3MgIXNBAXchMSAvICpzICRzICJzQQF3ITIgMCArcyAl' +
  'cyAjc0EBdyEzIDEgLHMgJnMgJHNBAXchNCAyIC1zICdzICVzQQF3ITUgMyAucyAocyAmc0EBdyE2IDQgL3MgKXMgJ3NBAXchNyA1' +
  'IDBzICpzIChzQQF3ITggNiAxcyArcyApc0EBdyE5IDcgMnMgLHMgKnNBAXchOiA4IDNzIC1zICtzQQF3ITsgOSA0cyAucyAsc0EB' +
  'dyE8IDogNXMgL3MgLXNBAXchPSA7IDZzIDBzIC5zQQF3IT4gPCA3cyAxcyAvc0EBdyE/ID0gOHMgMnMgMHNBAXchQCA+IDlzIDNz' +
  'IDFzQQF3IUEgPyA6cyA0cyAyc0EBdyFCIEAgO3MgNXMgM3NBAXchQyBBIDxzIDZzIDRzQQF3IUQgQiA9cyA3cyA1c0EBdyFFIEMg' +
  'PnMgOHMgNnNBAXchRiBEID9zIDlzIDdzQQF3IUcgRSBAcyA6cyA4c0EBdyFIIEYgQXMgO3MgOXNBAXchSSBHIEJzIDxzIDpzQQF3' +
  'IUogSCBDcyA9cyA7c0EBdyFLIEkgRHMgPnMgPHNBAXchTCBKIEVzID9zID1zQQF3IU0gSyBGcyBAcyA+c0EBdyFOIEwgR3MgQXMg' +
  'P3NBAXchTyBNIEhzIEJzIEBzQQF3IVAgTiBJcyBDcyBBc0EBdyFRIE8gSnMgRHMgQnNBAXchUiBQIEtzIEVzIENzQQF3IVMgUSBM' +
  'cyBGcyBEc0EBdyFUIFIgTXMgR3MgRXNBAXchVSBTIE5zIEhzIEZzQQF3IVYgVCBPcyBJcyBHc0EBdyFXIFUgUHMgSnMgSHNBAXch' +
  'WCBWIFFzIEtzIElzQQF3IVkgVyBScyBMcyBKc0EBdyFaIFggU3MgTXMgS3NBAXchW0GBxpS6BiEGQYnXtv5+IQdB/rnrxXkhCEH2' +
  'qMmBASEJQfDDy558IQogBkEFdyAIIAlzIAdxIAlzaiAKaiAMakGZ84nUBWohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcg' +
  'CCAJcyAHcSAJc2ogCmogDWpBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAggCXMgB3EgCXNqIApqIA5qQZnz' +
  'idQFaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAIIAlzIAdxIAlzaiAKaiAPakGZ84nUBWohCyAJIQogCCEJIAdBHnch' +
  'CCAGIQcgCyEGIAZBBXcgCCAJcyAHcSAJc2ogCmogEGpBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAggCXMg' +
  'B3EgCXNqIApqIBFqQZnzidQFaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAIIAlzIAdxIAlzaiAKaiASakGZ84nUBWoh' +
  'CyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgCCAJcyAHcSAJc2ogCmogE2pBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEH' +
  'IAshBiAGQQV3IAggCXMgB3EgCXNqIApqIBRqQZnzidQFaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAIIAlzIAdxIAlz' +
  'aiAKaiAVakGZ84nUBWohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgCCAJcyAHcSAJc2ogCmogFmpBmfOJ1AVqIQsgCSEK' +
  'IAghCSAHQR53IQggBiEHIAshBiAGQQV3IAggCXMgB3EgCXNqIApqIBdqQZnzidQFaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYg' +
  'BkEFdyAIIAlzIAdxIAlzaiAKaiAYakGZ84nUBWohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgCCAJcyAHcSAJc2ogCmog' +
  'GWpBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAggCXMgB3EgCXNqIApqIBpqQZnzidQFaiELIAkhCiAIIQkg' +
  'B0EedyEIIAYhByALIQYgBkEFdyAIIAlzIAdxIAlzaiAKaiAbakGZ84nUBWohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcg' +
  'CCAJcyAHcSAJc2ogCmogHGpBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAggCXMgB3EgCXNqIApqIB1qQZnz' +
  'idQFaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAIIAlzIAdxIAlzaiAKaiAeakGZ84nUBWohCyAJIQogCCEJIAdBHnch' +
  'CCAGIQcgCyEGIAZBBXcgCCAJcyAHcSAJc2ogCmogH2pBmfOJ1AVqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMg' +
  'CXNqIApqICBqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiAhakGh1+f2BmohCyAJIQog' +
  'CCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogImpBodfn9gZqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3' +
  'IAcgCHMgCXNqIApqICNqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiAkakGh1+f2Bmoh' +
  'CyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogJWpBodfn9gZqIQsgCSEKIAghCSAHQR53IQggBiEHIAsh' +
  'BiAGQQV3IAcgCHMgCXNqIApqICZqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiAnakGh' +
  '1+f2BmohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogKGpBodfn9gZqIQsgCSEKIAghCSAHQR53IQgg' +
  'BiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIClqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAK' +
  'aiAqakGh1+f2BmohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogK2pBodfn9gZqIQsgCSEKIAghCSAH' +
  'QR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqICxqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhz' +
  'IAlzaiAKaiAtakGh1+f2BmohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogLmpBodfn9gZqIQsgCSEK' +
  'IAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIC9qQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEF' +
  'dyAHIAhzIAlzaiAKaiAwakGh1+f2BmohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogMWpBodfn9gZq' +
  'IQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIDJqQaHX5/YGaiELIAkhCiAIIQkgB0EedyEIIAYhByAL' +
  'IQYgBkEFdyAHIAhzIAlzaiAKaiAzakGh1+f2BmohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcSAHIAhyIAlxcmog' +
  'CmogNGpB3Pnu+HhqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHEgByAIciAJcXJqIApqIDVqQdz57vh4aiELIAkh' +
  'CiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhxIAcgCHIgCXFyaiAKaiA2akHc+e74eGohCyAJIQogCCEJIAdBHnchCCAGIQcg' +
  'CyEGIAZBBXcgByAIcSAHIAhyIAlxcmogCmogN2pB3Pnu+HhqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHEgByAI' +
  'ciAJcXJqIApqIDhqQdz57vh4aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhxIAcgCHIgCXFyaiAKaiA5akHc+e74' +
  'eGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcSAHIAhyIAlxcmogCmogOmpB3Pnu+HhqIQsgCSEKIAghCSAHQR53' +
  'IQggBiEHIAshBiAGQQV3IAcgCHEgByAIciAJcXJqIApqIDtqQdz57vh4aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAH' +
  'IAhxIAcgCHIgCXFyaiAKaiA8akHc+e74eGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcSAHIAhyIAlxcmogCmog' +
  'PWpB3Pnu+HhqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHEgByAIciAJcXJqIApqID5qQdz57vh4aiELIAkhCiAI' +
  'IQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhxIAcgCHIgCXFyaiAKaiA/akHc+e74eGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEG' +
  'IAZBBXcgByAIcSAHIAhyIAlxcmogCmogQGpB3Pnu+HhqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHEgByAIciAJ' +
  'cXJqIApqIEFqQdz57vh4aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhxIAcgCHIgCXFyaiAKaiBCakHc+e74eGoh' +
  'CyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcSAHIAhyIAlxcmogCmogQ2pB3Pnu+HhqIQsgCSEKIAghCSAHQR53IQgg' +
  'BiEHIAshBiAGQQV3IAcgCHEgByAIciAJcXJqIApqIERqQdz57vh4aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhx' +
  'IAcgCHIgCXFyaiAKaiBFakHc+e74eGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcSAHIAhyIAlxcmogCmogRmpB' +
  '3Pnu+HhqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHEgByAIciAJcXJqIApqIEdqQdz57vh4aiELIAkhCiAIIQkg' +
  'B0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBIakHWg4vTfGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAI' +
  'cyAJc2ogCmogSWpB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIEpqQdaDi9N8aiELIAkh' +
  'CiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBLakHWg4vTfGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZB' +
  'BXcgByAIcyAJc2ogCmogTGpB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIE1qQdaDi9N8' +
  'aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBOakHWg4vTfGohCyAJIQogCCEJIAdBHnchCCAGIQcg' +
  'CyEGIAZBBXcgByAIcyAJc2ogCmogT2pB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNqIApqIFBq' +
  'QdaDi9N8aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBRakHWg4vTfGohCyAJIQogCCEJIAdBHnch' +
  'CCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogUmpB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcgCHMgCXNq' +
  'IApqIFNqQdaDi9N8aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBUakHWg4vTfGohCyAJIQogCCEJ' +
  'IAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogVWpB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAGQQV3IAcg' +
  'CHMgCXNqIApqIFZqQdaDi9N8aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBXakHWg4vTfGohCyAJ' +
  'IQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogWGpB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEHIAshBiAG' +
  'QQV3IAcgCHMgCXNqIApqIFlqQdaDi9N8aiELIAkhCiAIIQkgB0EedyEIIAYhByALIQYgBkEFdyAHIAhzIAlzaiAKaiBaakHWg4vT' +
  'fGohCyAJIQogCCEJIAdBHnchCCAGIQcgCyEGIAZBBXcgByAIcyAJc2ogCmogW2pB1oOL03xqIQsgCSEKIAghCSAHQR53IQggBiEH' +
  'IAshBiAGQYHGlLoGaiEBIAdBide2/n5qIQIgCEH+uevFeWohAyAJQfaoyYEBaiEEIApB8MPLnnxqIQUgAEEBayIADQALQQAgATYC' +
  'AEEAIAI2AgRBACADNgIIQQAgBDYCDEEAIAU2AhAL';

// Locals of the function: 0 = n (the parameter), 1–5 = digest, 6–10 = a–e, 11 = temp, 12–91 = message schedule.
const H = 1;
const A = 6;
const T = 11;
const W = 12;

/** The instructions of one function body, appended in order. */
class Code {
  readonly bytes: number[] = [];
  op(...b: number[]): void {
    this.bytes.push(...b);
  }
  get(i: number): void {
    this.bytes.push(OP.get, ...uleb(i));
  }
  set(i: number): void {
    this.bytes.push(OP.set, ...uleb(i));
  }
  konst(v: number): void {
    this.bytes.push(OP.const, ...sleb(v));
  }
}

/** Loads the digest from memory, then, inside the loop, fills the message schedule W and sets a–e to the IV. */
function emitSchedule(c: Code): void {
  for (let k = 0; k < 5; k++) {
    c.konst(0);
    c.op(OP.load, 2, ...uleb(k * 4));
    c.set(H + k);
  }
  c.op(OP.loop, 0x40);
  for (let k = 0; k < 5; k++) {
    c.get(H + k);
    c.set(W + k);
  }
  // The padding of a 20-byte message never changes: 0x80, zeros, the length in bits (160).
  for (let k = 5; k < 16; k++) {
    c.konst(k === 5 ? 0x80000000 : k === 15 ? 160 : 0);
    c.set(W + k);
  }
  for (let i = 16; i < 80; i++) {
    c.get(W + i - 3);
    c.get(W + i - 8);
    c.op(OP.xor);
    c.get(W + i - 14);
    c.op(OP.xor);
    c.get(W + i - 16);
    c.op(OP.xor);
    c.konst(1);
    c.op(OP.rotl);
    c.set(W + i);
  }
  for (let k = 0; k < 5; k++) {
    c.konst(IV[k]);
    c.set(A + k);
  }
}

/** Round i's f(b, c, d): Ch for rounds 0–19, Maj for 40–59, parity otherwise. */
function emitRoundFunction(c: Code, i: number): void {
  const [b, cc, d] = [A + 1, A + 2, A + 3];
  if (i < 20) {
    // Ch(b, c, d) = ((c ^ d) & b) ^ d
    c.get(cc);
    c.get(d);
    c.op(OP.xor);
    c.get(b);
    c.op(OP.and);
    c.get(d);
    c.op(OP.xor);
  } else if (i >= 40 && i < 60) {
    // Maj(b, c, d) = (b & c) | ((b | c) & d)
    c.get(b);
    c.get(cc);
    c.op(OP.and);
    c.get(b);
    c.get(cc);
    c.op(OP.or);
    c.get(d);
    c.op(OP.and);
    c.op(OP.or);
  } else {
    c.get(b);
    c.get(cc);
    c.op(OP.xor);
    c.get(d);
    c.op(OP.xor);
  }
}

/** The 80 rounds, unrolled: T = rotl5(a) + f(b, c, d) + e + W[i] + K; then e, d, c, b, a shift along. */
function emitRounds(c: Code): void {
  const [a, b, cc, d, e] = [A, A + 1, A + 2, A + 3, A + 4];
  for (let i = 0; i < 80; i++) {
    c.get(a);
    c.konst(5);
    c.op(OP.rotl);
    emitRoundFunction(c, i);
    c.op(OP.add);
    c.get(e);
    c.op(OP.add);
    c.get(W + i);
    c.op(OP.add);
    c.konst(K[Math.floor(i / 20)]);
    c.op(OP.add);
    c.set(T);
    c.get(d);
    c.set(e);
    c.get(cc);
    c.set(d);
    c.get(b);
    c.konst(30);
    c.op(OP.rotl);
    c.set(cc);
    c.get(a);
    c.set(b);
    c.get(T);
    c.set(a);
  }
}

/** Adds the IV to a–e as the new digest, loops while --n > 0, then stores the digest back to memory. */
function emitFinish(c: Code): void {
  for (let k = 0; k < 5; k++) {
    c.get(A + k);
    c.konst(IV[k]);
    c.op(OP.add);
    c.set(H + k);
  }
  c.get(0);
  c.konst(1);
  c.op(OP.sub, OP.tee, 0, OP.brIf, 0, OP.end);
  for (let k = 0; k < 5; k++) {
    c.konst(0);
    c.get(H + k);
    c.op(OP.store, 2, ...uleb(k * 4));
  }
  c.op(OP.end);
}

/**
 * The module: memory "m" (one page; words 0–4 hold the digest as native-endian i32) and function
 * "f"(n), which replaces that digest by SHA-1 of its 20 big-endian bytes, n ≥ 1 times.
 */
export function assembleSha1Module(): Uint8Array {
  const c = new Code();
  emitSchedule(c);
  emitRounds(c);
  emitFinish(c);
  const body = [1, ...uleb(91), 0x7f, ...c.bytes];
  const utf = (s: string): number[] => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 0]), // type 0: (i32) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory of at least one page
    ...section(7, [2, ...utf('m'), 2, 0, ...utf('f'), 0, 0]), // exports
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { m: { buffer: ArrayBuffer }; f: (n: number) => void } };
}

let instance: { words: Int32Array; run: (n: number) => void } | null | undefined;

/** The compiled function, or null where WebAssembly is unavailable (the JavaScript rounds are used then). */
function compiled(): { words: Int32Array; run: (n: number) => void } | null {
  if (instance !== undefined) return instance;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) return (instance = null);
    const exports = new wasm.Instance(new wasm.Module(Buffer.from(SHA1_MODULE_BASE64, 'base64'))).exports;
    instance = { words: new Int32Array(exports.m.buffer, 0, 5), run: exports.f };
  } catch {
    instance = null;
  }
  return instance;
}

/** Replaces the SHA-1 digest in `h` (5 words) by SHA-1 of its 20 bytes, `rounds` times; false where WebAssembly is unavailable. */
export function sha1RoundsWasm(h: Int32Array, rounds: number): boolean {
  const m = compiled();
  if (!m) return false;
  if (rounds < 1) return true;
  m.words.set(h);
  m.run(rounds);
  h.set(m.words);
  return true;
}

/** `mi-keystores generate`: a new key pair with a self-signed certificate, in a new or an existing keystore. */
import { intOption, listOption, positionals, requireOption, stringOption } from '../args';
import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import type { SignatureAlgorithm } from '../../core/keystore';
import { STORE_AND_KEY_OPTIONS, TYPE_OPTION, keyPasswordFor, load, updateStore } from './common';

/**
 * Default validity in days. keytool's default is 90; 825 days is the longest validity browsers and
 * most TLS clients have accepted for server certificates (CA/Browser Forum, 2018-2020), so a generated
 * store does not need rotating every quarter while staying within what clients accept.
 */
export const DEFAULT_VALIDITY_DAYS = 825;

/** The signature algorithms the certificate builder signs with. */
const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['SHA256withRSA', 'SHA384withRSA', 'SHA256withECDSA', 'SHA384withECDSA'];

/** `generate <keystore> --alias A --dname DN [...]`. */
export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'Generate a key pair with a self-signed certificate (creates the keystore when it does not exist).',
  operands: '<keystore>',
  options: [
    { name: 'alias', type: 'string', required: true, value: 'ALIAS', help: 'Alias of the new key entry.' },
    { name: 'dname', type: 'string', required: true, value: 'DN', help: 'Subject distinguished name, as keytool -dname takes it (e.g. "CN=localhost,O=WSO2,C=US").' },
    TYPE_OPTION,
    { name: 'key-alg', type: 'string', value: 'RSA|EC', help: 'Key algorithm: RSA (default) or EC.' },
    { name: 'key-size', type: 'string', value: 'BITS', help: 'RSA key size in bits (default 2048).' },
    { name: 'curve', type: 'string', value: 'P-256|P-384', help: 'EC curve: P-256 (default) or P-384.' },
    { name: 'validity', type: 'string', value: 'DAYS', help: `Validity of the certificate in days (default ${DEFAULT_VALIDITY_DAYS}; keytool's is 90).` },
    { name: 'san', type: 'string', value: 'dns:x,ip:y', multiple: true, help: 'Subject alternative names, comma-separated or repeated: dns:host, ip:addr, uri:u, email:e.' },
    {
      name: 'sig-alg',
      type: 'string',
      value: 'ALG',
      help: `Signature algorithm: ${SIGNATURE_ALGORITHMS.join(', ')} (default: SHA256withRSA, or SHA256withECDSA / SHA384withECDSA by curve).`,
    },
    ...STORE_AND_KEY_OPTIONS,
  ],
  async run(args, io) {
    const [file] = positionals(args, ['keystore']);
    const alias = requireOption(args, 'alias');
    const dname = requireOption(args, 'dname');
    const keyAlg = (stringOption(args, 'key-alg') ?? 'RSA').toUpperCase();
    if (keyAlg !== 'RSA' && keyAlg !== 'EC') throw new UsageError(`--key-alg must be RSA or EC, not "${keyAlg}"`);
    const keySize = intOption(args, 'key-size', 1, 65536);
    if (keySize !== undefined && keyAlg !== 'RSA') throw new UsageError('--key-size applies to RSA keys; use --curve for EC');
    const { RSA_KEY_SIZES } = await load.keystore();
    if (keySize !== undefined && !RSA_KEY_SIZES.includes(keySize)) throw new UsageError(`--key-size must be ${RSA_KEY_SIZES.join(', ').replace(/, (\d+)$/, ' or $1')}, not ${keySize}`);
    const curveArg = stringOption(args, 'curve');
    if (curveArg !== undefined && keyAlg !== 'EC') throw new UsageError('--curve applies to EC keys (add --key-alg EC)');
    const curve = curveArg === undefined ? undefined : curveArg.toUpperCase().replace(/^SECP256R1$/, 'P-256').replace(/^SECP384R1$/, 'P-384');
    if (curve !== undefined && curve !== 'P-256' && curve !== 'P-384') throw new UsageError(`--curve must be P-256 or P-384, not "${curveArg}"`);
    const validityDays = intOption(args, 'validity', 1, 36500) ?? DEFAULT_VALIDITY_DAYS;
    const san = listOption(args, 'san');
    const sigAlg = stringOption(args, 'sig-alg') as SignatureAlgorithm | undefined;
    if (sigAlg !== undefined && !SIGNATURE_ALGORITHMS.includes(sigAlg)) {
      throw new UsageError(`--sig-alg must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`);
    }
    let format = '';
    await updateStore(args, io, file, { create: true }, async ({ store, password }, context) => {
      const operations = await load.operations();
      const keyPassword = keyPasswordFor(args, io, store, password);
      context.keyPassword = keyPassword;
      format = store.format;
      const next = await operations.addKeyPair(store, {
        alias,
        keyAlgorithm: keyAlg,
        keySize: keyAlg === 'RSA' ? (keySize ?? 2048) : undefined,
        curve: keyAlg === 'EC' ? (curve ?? 'P-256') : undefined,
        dname,
        san: san.length > 0 ? san : undefined,
        validityDays,
        signatureAlgorithm: sigAlg,
        keyPassword: keyPassword.value,
      });
      return { store: next };
    });
    io.stdout(`Generated an ${keyAlg} key pair with a self-signed certificate valid for ${validityDays} days as "${alias}" in ${file} (${format}).\n`);
    return 0;
  },
};

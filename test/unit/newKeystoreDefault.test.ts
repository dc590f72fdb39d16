/** New keystores default to PKCS12: its password costs a 10,000-iteration MAC to guess, a JKS password one SHA-1. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

describe('the default format of new keystores', () => {
  it('is PKCS12 in the manifest, with the reason in the setting description', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['miKeystores.newKeystore.type'];
    assert.deepEqual({ default: setting.default, enum: setting.enum, why: /MAC/.test(setting.description) && /SHA-1/.test(setting.description) }, { default: 'PKCS12', enum: ['JKS', 'PKCS12'], why: true });
  });

  it('is PKCS12 where the Generate command reads the setting', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../src/vscode/commands/generateKeystore.ts'), 'utf8');
    assert.match(source, /SETTINGS\.defaultStoreType, 'PKCS12'\)/);
  });
});

// Builds the demo workspace `npm start` serves and the VS Code tests open. Everything in it is made here,
// by the product's own engine (scripts/demoStores.ts, loaded through tsx): nothing is copied from other
// projects. Two things MI users have, laid out as MI's own (docs/mi-configuration.md#where-things-live):
//   mi-runtime/     an MI runtime home: conf/deployment.toml + repository/resources/security/*.jks
//   hello-project/  an MI integration project as WSO2's VS Code extension lays it out: pom.xml,
//                   deployment/deployment.toml, deployment/docker/{Dockerfile,resources/*.jks}
// Both get the stores and deployment.toml of a default MI install: alias and every password `wso2carbon`,
// a default certificate that expired on 2026-05-27, a truststore of public root CAs plus that
// certificate; so the findings a person sees first are the real ones a default install gets.
// Usage: node scripts/makeDemo.mjs [target-dir] [--force]   (default target: demo/, kept when present)
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The default demo folder (git-ignored). */
export const defaultDemoDir = path.join(repoRoot, 'demo');

function write(to, text) {
  mkdirSync(path.dirname(to), { recursive: true });
  writeFileSync(to, text);
}

/**
 * deployment.toml as a default MI install has it: the tables and values MI ships in conf/deployment.toml
 * (and WSO2's VS Code extension in new projects), in this project's own words. The line numbers of the
 * tables are the shipped file's ([keystore.primary] on line 8, its alias on line 11).
 */
const deploymentToml = `[server]
hostname = "localhost"
# offset = 10        # moves every port by this much, e.g. for a second server on one host

[user_store]
type = "read_only_ldap"

[keystore.primary]
file_name = "repository/resources/security/wso2carbon.jks"
password = "wso2carbon"
alias = "wso2carbon"
key_password = "wso2carbon"

[truststore]
file_name = "repository/resources/security/client-truststore.jks"
password = "wso2carbon"
alias = "symmetric.key.value"
algorithm = "AES"

# Every other table keeps MI's defaults: transports ([transport.http], [transport.jms], ...), data
# sources ([[datasource]]), the management API and [secrets] are described in MI's documentation.
`;

/** pom.xml of an MI integration project, with the `keystore.*` properties WSO2's template carries. */
const pomXml = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>hello-project</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <name>hello-project</name>
  <description>hello-project</description>
  <properties>
    <projectType>integration-project</projectType>
    <project.runtime.version>4.4.0</project.runtime.version>
    <dockerfile.base.image>wso2/wso2mi:\${project.runtime.version}</dockerfile.base.image>
    <keystore.type>JKS</keystore.type>
    <keystore.name>wso2carbon.jks</keystore.name>
    <keystore.password>wso2carbon</keystore.password>
    <keystore.alias>wso2carbon</keystore.alias>
    <ciphertool.enable>true</ciphertool.enable>
  </properties>
  <parent>
    <groupId>org.wso2</groupId>
    <artifactId>mi-parent</artifactId>
    <version>4.4.0</version>
    <relativePath/>
  </parent>
</project>
`;

/** The Dockerfile of WSO2's project template: the stores are copied into the image's security folder. */
const dockerfile = `ARG BASE_IMAGE
FROM \${BASE_IMAGE}
COPY CompositeApps/*.car \${WSO2_SERVER_HOME}/repository/deployment/server/carbonapps/
COPY resources/wso2carbon.jks \${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks
COPY resources/client-truststore.jks \${WSO2_SERVER_HOME}/repository/resources/security/client-truststore.jks
COPY Libs/*.jar \${WSO2_SERVER_HOME}/lib/
`;

/** Loads the engine-made stores (TypeScript, through tsx: a dev dependency `npm start` installs). */
async function demoStores() {
  const { tsImport } = await import('tsx/esm/api');
  const { makeDemoStores } = await tsImport('./demoStores.ts', import.meta.url);
  return makeDemoStores();
}

/** Creates the demo workspace in `dir` unless it exists (or always, with `force`); resolves with `dir`. */
export async function makeDemo(dir = defaultDemoDir, { force = false } = {}) {
  if (existsSync(dir) && !force) return dir;
  rmSync(dir, { recursive: true, force: true });
  const { primary, truststore } = await demoStores();
  const stores = { 'wso2carbon.jks': primary, 'client-truststore.jks': truststore };

  const runtime = path.join(dir, 'mi-runtime');
  write(path.join(runtime, 'conf', 'deployment.toml'), deploymentToml);
  for (const [name, bytes] of Object.entries(stores)) write(path.join(runtime, 'repository', 'resources', 'security', name), bytes);
  // Marker files an MI runtime home has besides deployment.toml.
  write(path.join(runtime, 'bin', 'micro-integrator.sh'), '#!/bin/sh\n# Placeholder: the demo has no server binaries.\n');
  write(path.join(runtime, 'conf', 'security', 'secret-conf.properties'), '# Secure vault configuration (written by the cipher tool).\n');

  const project = path.join(dir, 'hello-project');
  write(path.join(project, 'pom.xml'), pomXml);
  write(path.join(project, 'deployment', 'deployment.toml'), deploymentToml);
  write(path.join(project, 'deployment', 'docker', 'Dockerfile'), dockerfile);
  for (const [name, bytes] of Object.entries(stores)) write(path.join(project, 'deployment', 'docker', 'resources', name), bytes);
  write(path.join(project, 'deployment', 'libs', '.gitkeep'), '');
  write(path.join(project, 'src', 'main', 'wso2mi', 'artifacts', 'apis', '.gitkeep'), '');

  // A partner's CA certificate to import into a truststore (keytool-made test CA, see its MANIFEST).
  mkdirSync(path.join(dir, 'certs'), { recursive: true });
  copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'keystores', 'pem', 'ca.pem'), path.join(dir, 'certs', 'partner-ca.pem'));
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--'));
  makeDemo(target ? path.resolve(target) : defaultDemoDir, { force: args.includes('--force') }).then(
    (dir) => console.log(`demo workspace: ${dir}`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

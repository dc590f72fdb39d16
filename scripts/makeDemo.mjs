// Builds the demo workspace `npm start` serves and the VS Code tests open, from WSO2's real files in
// test/fixtures/wso2/ (copied there so a fresh clone needs nothing else). Two things MI users have:
//   mi-runtime/     an MI runtime home: conf/deployment.toml + repository/resources/security/*.jks
//   hello-project/  an MI integration project as WSO2's VS Code extension creates it: pom.xml,
//                   deployment/deployment.toml, deployment/docker/{Dockerfile,resources/*.jks}
// The stores are the ones WSO2 copies into every new project: their default certificate expired on
// 2026-05-27, and every password is the default `wso2carbon`, so the default view shows real findings.
// Usage: node scripts/makeDemo.mjs [target-dir] [--force]   (default target: demo/, kept when present)
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wso2 = path.join(repoRoot, 'test', 'fixtures', 'wso2');
const stores = path.join(wso2, 'keystores', 'mi-vscode-new-project');

/** The default demo folder (git-ignored). */
export const defaultDemoDir = path.join(repoRoot, 'demo');

function copy(from, to) {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  // The shared originals are read-only; the demo is there to be edited by quick fixes and commands.
  chmodSync(to, 0o644);
}

function write(to, text) {
  mkdirSync(path.dirname(to), { recursive: true });
  writeFileSync(to, text);
}

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

/** Creates the demo workspace in `dir` unless it exists (or always, with `force`); returns `dir`. */
export function makeDemo(dir = defaultDemoDir, { force = false } = {}) {
  if (existsSync(dir) && !force) return dir;
  rmSync(dir, { recursive: true, force: true });

  const runtime = path.join(dir, 'mi-runtime');
  copy(path.join(wso2, 'mi-conf', 'deployment.toml'), path.join(runtime, 'conf', 'deployment.toml'));
  for (const store of ['wso2carbon.jks', 'client-truststore.jks']) {
    copy(path.join(stores, store), path.join(runtime, 'repository', 'resources', 'security', store));
  }
  // Marker files an MI runtime home has besides deployment.toml.
  write(path.join(runtime, 'bin', 'micro-integrator.sh'), '#!/bin/sh\n# Placeholder: the demo has no server binaries.\n');
  write(path.join(runtime, 'conf', 'security', 'secret-conf.properties'), '# Secure vault configuration (written by the cipher tool).\n');

  const project = path.join(dir, 'hello-project');
  write(path.join(project, 'pom.xml'), pomXml);
  copy(path.join(wso2, 'deployment-toml-samples', 'mi-vscode-new-project.deployment.toml'), path.join(project, 'deployment', 'deployment.toml'));
  write(path.join(project, 'deployment', 'docker', 'Dockerfile'), dockerfile);
  for (const store of ['wso2carbon.jks', 'client-truststore.jks']) {
    copy(path.join(stores, store), path.join(project, 'deployment', 'docker', 'resources', store));
  }
  write(path.join(project, 'deployment', 'libs', '.gitkeep'), '');
  write(path.join(project, 'src', 'main', 'wso2mi', 'artifacts', 'apis', '.gitkeep'), '');

  // A partner's CA certificate to import into a truststore (keytool-made test CA, see its MANIFEST).
  copy(path.join(repoRoot, 'test', 'fixtures', 'keystores', 'pem', 'ca.pem'), path.join(dir, 'certs', 'partner-ca.pem'));
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--'));
  const dir = makeDemo(target ? path.resolve(target) : defaultDemoDir, { force: args.includes('--force') });
  console.log(`demo workspace: ${dir}`);
}

/**
 * Every `mi-keystores` subcommand: the dispatcher registers each `CliCommand` exported here.
 * Add a command with one `export { xCommand } from './x';` line.
 */
export { listCommand } from './list';
export { generateCommand } from './generate';
export { importCertCommand } from './importCert';
export { importReplyCommand } from './importReply';
export { importPemCommand } from './importPem';
export { exportCertCommand } from './exportCert';
export { csrCommand } from './csr';
export { deleteCommand } from './delete';
export { renameCommand } from './rename';
export { passwdCommand } from './passwd';
export { keypasswdCommand } from './keypasswd';
export { convertCommand } from './convert';
export { checkCommand } from './check';
export { encryptSecretsCommand } from './encryptSecrets';
export { rotateInternalCommand } from './rotateInternal';
export { tlsCommand } from './tls';

/** `mi-keystores` command-line entry point. */
process.stdout.write('mi-keystores: not yet implemented\n');

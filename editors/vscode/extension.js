// connlint for VS Code: runs `connlint lsp` over stdio for the files
// connlint reads. Diagnostics, hover (the rule explained) and the quick fix
// that adds `connlint: ignore[RULE] reason` come from the server.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

// Languages of the files connlint reads (see "What connlint reads" in the
// README); files with no language of their own are matched by name.
const LANGUAGES = [
  'shellscript', 'bat', 'powershell', 'properties', 'ini', 'xml', 'yaml', 'json', 'jsonc',
  'toml', 'dockerfile', 'java', 'kotlin', 'groovy', 'scala', 'csharp', 'python', 'javascript',
  'typescript',
];
const PATTERNS = [
  '**/.java-version', '**/.tool-versions', '**/.sdkmanrc', '**/*.vmoptions', '**/*.cnf',
  '**/*.conf', '**/*.reg', '**/*.gradle', '**/*.gradle.kts', '**/*.config', '**/*.csproj',
  '**/*.wsdl', '**/*.pom',
];

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const config = vscode.workspace.getConfiguration('connlint');
  // No `transport` here: the client then adds no `--stdio` flag; connlint
  // speaks stdio only (and accepts `--stdio` anyway).
  const serverOptions = {
    command: config.get('path', 'connlint'),
    args: ['lsp', ...config.get('args', [])],
  };
  const clientOptions = {
    documentSelector: [
      ...LANGUAGES.map((language) => ({ scheme: 'file', language })),
      ...PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    outputChannelName: 'connlint',
  };
  client = new LanguageClient('connlint', 'connlint', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('connlint.restart', () => client && client.restart()),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

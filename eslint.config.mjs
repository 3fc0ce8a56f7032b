import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The codemod's layers, lowest first: a layer imports only from the layers before it (and its own
 * folder). `plan` and `translations` are one layer: the planner calls the translations.
 */
const CODEMOD_LAYERS = [['shared'], ['discover'], ['analyse'], ['plan', 'translations'], ['emit'], ['report'], ['rewrite'], ['verify'], ['cli']];

const layerRules = CODEMOD_LAYERS.flatMap((layer, index) => {
  const above = CODEMOD_LAYERS.slice(index + 1).flat();
  if (above.length === 0) return [];
  return layer.map((folder) => ({
    files: [`packages/codemod/src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: above.map((other) => `../${other}/*`),
              message: `packages/codemod/src/${folder} sits below ${above.join(', ')}: imports run one way (shared -> discover -> analyse -> plan/translations -> emit -> report -> rewrite -> verify -> cli).`,
            },
          ],
        },
      ],
    },
  }));
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'fixtures/**',
      'coverage/**',
      '.bench-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The shim keeps Python's names (async_chat, found_terminator): camelCase rules would fight it.
      camelcase: 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layerRules,
);

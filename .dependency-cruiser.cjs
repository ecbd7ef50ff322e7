// The layering of src/ (docs/design.md, "Architecture"): an area may import only areas on a lower
// layer, and no import cycle may exist anywhere. `npm test` runs this check.
const LAYERS = [
  ['core', 'http', 'log.ts'],
  ['config', 'registry'],
  ['policy', 'receipts', 'store', 'upstream'],
  ['ledger', 'approvals', 'evidence', 'report', 'signer'],
  ['pins', 'breakglass', 'metrics', 'replay', 'witness'],
  ['gate', 'admin'],
  ['gateway'],
  ['cli'],
];

const areaPattern = (areas) => `^src/(${areas.map((a) => a.replace('.', '\\.')).join('|')})(/|$)`;

const layering = LAYERS.flatMap((areas, rank) => {
  const higher = LAYERS.slice(rank + 1).flat();
  const sameLayerOthers = (area) => areas.filter((a) => a !== area);
  return [
    ...(higher.length ? [{ name: `layer-${rank}-imports-above`, severity: 'error', from: { path: areaPattern(areas) }, to: { path: areaPattern(higher) } }] : []),
    ...areas
      .filter((area) => sameLayerOthers(area).length)
      .map((area) => ({
        name: `${area}-imports-its-layer`,
        severity: 'error',
        comment: 'areas on one layer do not import each other',
        from: { path: areaPattern([area]) },
        to: { path: areaPattern(sameLayerOthers(area)) },
      })),
  ];
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'console-vocabulary-imports-nothing',
      severity: 'error',
      comment: 'the browser console bundles src/core/events.ts: no node module or library may come with it',
      from: { path: '^src/core/events\\.ts$' },
      to: {},
    },
    ...layering,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

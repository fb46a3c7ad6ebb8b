import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared-data';

/** The dependency rules of ARCHITECTURE.md are checked by ESLint; these cases prove the rules bite. */
describe('import boundaries', () => {
  // ESLint runs as the CLI does (its flat config is an ES module, which Jest's VM cannot load).
  async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
    const messages = await lintMessages(filePath, code);
    return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  function lintMessages(filePath: string, code: string): Promise<Array<{ ruleId: string; message: string }>> {
    const root = repoRoot();
    return new Promise((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [
          join(root, 'node_modules/eslint/bin/eslint.js'),
          '--stdin',
          '--stdin-filename',
          filePath,
          '--format',
          'json',
        ],
        { cwd: root },
        (error, stdout) => {
          try {
            const [result] = JSON.parse(stdout) as Array<{
              messages: Array<{ ruleId: string; message: string }>;
            }>;
            resolve(result.messages);
          } catch {
            reject(error ?? new Error(`eslint printed no JSON: ${stdout}`));
          }
        },
      );
      child.stdin?.end(code);
    });
  }

  it.each([
    [
      'libs/routing/src/x.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
      /plain TypeScript/,
    ],
    [
      'libs/planning/src/x.ts',
      "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
      /plain TypeScript/,
    ],
    [
      'libs/routing/src/x.ts',
      "import { ENTITIES } from '@rd/domain';\nexport const x = ENTITIES;\n",
      /only other core libs/,
    ],
    [
      'libs/flight/src/x.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
      /plain TypeScript/,
    ],
    [
      'libs/flight/src/x.ts',
      "import { Entity } from 'typeorm';\nexport const x = Entity;\n",
      /plain TypeScript/,
    ],
    [
      'libs/flight/src/x.ts',
      "import { ENTITIES } from '@rd/domain';\nexport const x = ENTITIES;\n",
      /only other core libs/,
    ],
    [
      'libs/flight/src/x.ts',
      "import { solve } from '@rd/planning';\nexport const x = solve;\n",
      /only @rd\/routing/,
    ],
    [
      'libs/flight/src/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      /does no I\/O/,
    ],
    [
      'libs/routing/src/x.ts',
      "import GraphHopperRouting from 'graphhopper-js-api-client/src/GraphHopperRouting.js';\nexport const x = GraphHopperRouting;\n",
      /plain TypeScript/,
    ],
    [
      'libs/routing/src/x.ts',
      "import { createRoadRouter } from '@rd/road-router';\nexport const x = createRoadRouter;\n",
      /only other core libs/,
    ],
    [
      'apps/intake/src/x.ts',
      "import { PlannerModule } from '../../planner/src/planner.module';\nexport const x = PlannerModule;\n",
      /apps never import apps/,
    ],
    [
      'apps/planner/src/x.ts',
      "import { IntakeModule } from '../../intake/src/intake.module';\nexport const x = IntakeModule;\n",
      /apps never import apps/,
    ],
    [
      'libs/queue/src/x.ts',
      "import { x as y } from '../../../apps/intake/src/main';\nexport const x = y;\n",
      /libs never import apps/,
    ],
  ])('%s: refuses a forbidden import', async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('keeps the clock, randomness and the process out of libs/flight', async () => {
    const ruleIds = ['no-restricted-properties', 'no-restricted-globals'];
    const messages = await lintMessages(
      'libs/flight/src/x.ts',
      'export const a = Date.now();\nexport const b = Math.random();\nexport const c = process.env.X;\n',
    );
    const restricted = messages.filter((m) => ruleIds.includes(m.ruleId));
    expect(restricted.map((m) => m.message)).toEqual([
      expect.stringMatching(/atMs/),
      expect.stringMatching(/seeded/),
      expect.stringMatching(/never reads the process/),
    ]);
  });

  it('allows what the architecture allows', async () => {
    expect(
      await boundaryErrors(
        'libs/planning/src/x.ts',
        "import { sum } from '@rd/routing';\nexport const x = sum;\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'apps/intake/src/x.ts',
        "import { ENTITIES } from '@rd/domain';\nexport const x = ENTITIES;\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'libs/flight/src/x.ts',
        "import { haversineM } from '@rd/routing';\nimport Flatbush from 'flatbush';\nimport { kinks } from '@turf/turf';\nexport const x = [haversineM, Flatbush, kinks];\n",
      ),
    ).toEqual([]);
  });
});

// Prisma's CLI reads this for `prisma generate`. Migrations do not go through the CLI, which
// would download a native engine: src/db/migrations.ts applies them (plain SQL, Prisma's
// history table) and src/db/create-migration.ts writes new ones.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

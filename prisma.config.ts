// Prisma's CLI reads this for `prisma generate`. Migrations do not go through the CLI:
// see src/db/migrations.ts for why and what runs them instead.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

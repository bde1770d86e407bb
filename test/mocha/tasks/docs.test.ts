import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, "utf8");
/** Markdown with its lines joined, so a sentence can be found across a line break. */
const prose = (path: string) => read(path).replace(/\s*\n\s*/g, " ");

describe("docs a newcomer follows", function () {
  it("deployments/README.md says what writes the address books and what the folder holds", function () {
    const text = prose("deployments/README.md");
    expect(text).to.contain(
      "`npx hardhat license:deploy --network <name>` writes `deployments/<name>.json` (see `tasks/actions/deploy.ts`)",
    );
    expect(text).to.contain(
      "the SDK package (`packages/sdk`, built with `npm run build:sdk`) ships a copy of them",
    );
    expect(text).not.to.match(/arrive|Nothing is here yet/);
    // "No public deployment is recorded yet" stays true only while no public book is committed.
    const books = readdirSync(`${ROOT}deployments`).filter(
      (name) => name.endsWith(".json") && name !== "localhost.json",
    );
    const publicBooks = books.filter(
      (name) => (JSON.parse(read(`deployments/${name}`)) as { chainId: number }).chainId !== 31337,
    );
    expect(text.includes("No public deployment is recorded yet")).to.equal(
      publicBooks.length === 0,
    );
  });

  it("README and tasks/README say how to get a test stablecoin on a local node, and that it is local only", function () {
    expect(prose("README.md")).to.contain(
      "`npx hardhat license:mock-token --to <buyer>,<dealer> --network localhost` deploys the test-only `MockERC20` (6 decimals, anyone can mint it) and mints 10,000 to each",
    );
    expect(prose("README.md")).to.contain(
      "It is for local chains only: the task refuses any chain but 31337.",
    );
    const tasks = prose("tasks/README.md");
    expect(tasks).to.contain("### license:mock-token (local chains only)");
    expect(tasks).to.contain("the task refuses every chain but 31337");
  });
});

import { expect } from "chai";

import { ROLES } from "../../helpers/constants.js";
import { marketFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

describe("tasks: roles", function () {
  describe("license:role", function () {
    it("lets the admin grant and revoke a role, printing whether the account holds it", async function () {
      const f = await loadFixture(marketFixture);
      const common = { registry: await f.registry.getAddress(), from: f.admin.address };
      const granted = await runTask("license:role", {
        ...common,
        change: "grant",
        role: "publisher",
        account: f.dealer.address,
      });
      expect(granted.exitCode).to.equal(undefined);
      expect(granted.stdout).to.contain("role         publisher\n");
      expect(granted.stdout).to.contain(`account      ${f.dealer.address}\n`);
      expect(granted.stdout).to.contain("holds it     yes\n");
      expect(await f.registry.hasRole(ROLES.PUBLISHER, f.dealer.address)).to.equal(true);

      const revoked = await runTask("license:role", {
        ...common,
        change: "revoke",
        role: "Publisher",
        account: f.dealer.address,
        json: true,
      });
      expect(jsonOf(revoked)).to.include({
        role: "publisher",
        account: f.dealer.address,
        holds: false,
      });
      expect(await f.registry.hasRole(ROLES.PUBLISHER, f.dealer.address)).to.equal(false);
    });

    it("refuses anyone but the admin with the contract's sentence", async function () {
      const f = await loadFixture(marketFixture);
      const run = await runTask("license:role", {
        registry: await f.registry.getAddress(),
        from: f.stranger.address,
        change: "grant",
        role: "arbiter",
        account: f.stranger.address,
      });
      expect(run.exitCode).to.equal(1);
      expect(run.stderr).to.contain(
        `Error: ${f.stranger.address} lacks the admin role needed for this\n`,
      );
      expect(await f.registry.hasRole(ROLES.ARBITER, f.stranger.address)).to.equal(false);
    });

    it("refuses an unknown change or role before sending anything", async function () {
      const f = await loadFixture(marketFixture);
      const common = { registry: await f.registry.getAddress(), from: f.admin.address };
      const badChange = await runTask("license:role", {
        ...common,
        change: "give",
        role: "publisher",
        account: f.dealer.address,
      });
      expect(badChange.exitCode).to.equal(1);
      expect(badChange.stderr).to.contain(
        'Error: "give" is not a role change: use grant or revoke',
      );
      const badRole = await runTask("license:role", {
        ...common,
        change: "grant",
        role: "king",
        account: f.dealer.address,
      });
      expect(badRole.exitCode).to.equal(1);
      expect(badRole.stderr).to.contain(
        'Error: "king" is not a role: use publisher, operator, pauser, arbiter',
      );
    });
  });
});

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import type { LicenseRegistry } from "../../../typechain-types/index.js";
import {
  ADMIN_DELAY,
  DECLARATION,
  EVIDENCE,
  FirstSaleRegion,
  IssuerKind,
  REASON_FRAUD,
  ROLES,
  VOLUME_TERMS,
} from "../../helpers/constants.js";
import { licensesFixture, type LicensesFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

type Role =
  | "admin"
  | "publisher"
  | "operator"
  | "pauser"
  | "arbiter"
  | "distributor"
  | "dealer"
  | "holder"
  | "stranger";
const ROLE_NAMES: Role[] = [
  "admin",
  "publisher",
  "operator",
  "pauser",
  "arbiter",
  "distributor",
  "dealer",
  "holder",
  "stranger",
];

interface Row {
  fn: string;
  /** Who may call it; everyone else is refused with `deniedWith`. */
  allowed: Role[];
  deniedWith: string;
  /** Roles refused for a more specific reason than `deniedWith`. */
  deniedOverride?: Partial<Record<Role, string>>;
  /** State the call needs, set up by the rightful parties before the call. */
  setup?: (f: LicensesFixture) => Promise<unknown>;
  call: (r: LicenseRegistry, f: LicensesFixture, as: HardhatEthersSigner) => Promise<unknown>;
}

/** The role matrix: every privileged function x every role. "publisher" controls product 1;
 * "distributor" and "dealer" are its distributor and onboarding issuer; "holder" holds the
 * volume license. No role but the holder's can move, release, split or surrender a license. */
const MATRIX: Row[] = [
  {
    fn: "registerProduct",
    allowed: ["publisher"],
    deniedWith: "AccessControlUnauthorizedAccount",
    call: (r) => r.registerProduct(VOLUME_TERMS, ""),
  },
  {
    fn: "registerProductForPublisher",
    allowed: ["operator"],
    deniedWith: "AccessControlUnauthorizedAccount",
    call: (r, f) => r.registerProductForPublisher(f.absentPublisher.address, VOLUME_TERMS, ""),
  },
  {
    fn: "updateProductTerms",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    setup: (f) => f.registry.connect(f.publisher).registerProduct(VOLUME_TERMS, ""),
    call: (r) => r.updateProductTerms(5, VOLUME_TERMS, "v2"),
  },
  {
    fn: "closeProduct",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    call: (r) => r.closeProduct(1),
  },
  {
    fn: "transferProductControl",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    call: (r, f) => r.transferProductControl(1, f.stranger.address),
  },
  {
    fn: "setIssuer",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    call: (r, f) => r.setIssuer(1, f.stranger.address, IssuerKind.Distributor),
  },
  {
    fn: "issue",
    allowed: ["publisher", "distributor"],
    deniedWith: "ProductNotIssuer",
    deniedOverride: { dealer: "LicenseOriginEvidenceMissing" },
    call: (r, f) => r.issue(1, f.holder.address, 1, 0),
  },
  {
    fn: "issueWithFirstSale",
    allowed: ["publisher", "distributor", "dealer"],
    deniedWith: "ProductNotIssuer",
    call: (r, f) =>
      r.issueWithFirstSale(1, FirstSaleRegion.EEA, [
        {
          holder: f.holder.address,
          seats: 1,
          validUntil: 0,
          keyCommitment: ethers.ZeroHash,
          originEvidence: EVIDENCE,
        },
      ]),
  },
  {
    fn: "declareEvidence",
    allowed: ["publisher", "distributor", "dealer"],
    deniedWith: "ProductNotIssuer",
    call: (r) => r.declareEvidence(1, EVIDENCE, 10),
  },
  {
    fn: "issueWithEvidence",
    allowed: ["publisher", "distributor", "dealer"],
    deniedWith: "ProductNotIssuer",
    call: (r, f) => r.issueWithEvidence(1, f.holder.address, 1, 0, EVIDENCE),
  },
  {
    fn: "revoke",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    call: (r, f) => r.revoke(f.volumeLicense, REASON_FRAUD, EVIDENCE),
  },
  {
    fn: "attestDeactivation",
    allowed: ["publisher"],
    deniedWith: "ProductNotController",
    setup: (f) => f.registry.connect(f.holder).release(f.volumeLicense, DECLARATION),
    call: (r, f) => r.attestDeactivation(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "suspend",
    allowed: ["publisher", "arbiter"],
    deniedWith: "ProductNotControllerOrArbiter",
    call: (r, f) => r.suspend(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "reinstate (controller's suspension)",
    allowed: ["publisher", "arbiter"],
    deniedWith: "ProductNotControllerOrArbiter",
    setup: (f) => f.registry.connect(f.publisher).suspend(f.volumeLicense, EVIDENCE),
    call: (r, f) => r.reinstate(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "reinstate (arbiter's suspension)",
    allowed: ["arbiter"],
    deniedWith: "ProductNotControllerOrArbiter",
    deniedOverride: { publisher: "LicenseArbiterHold" },
    setup: (f) => f.registry.connect(f.arbiter).suspend(f.volumeLicense, EVIDENCE),
    call: (r, f) => r.reinstate(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "suspend (after an arbiter reinstated the license)",
    allowed: ["arbiter"],
    deniedWith: "ProductNotControllerOrArbiter",
    deniedOverride: { publisher: "LicenseSuspensionReservedToArbiters" },
    setup: async (f) => {
      await f.registry.connect(f.publisher).suspend(f.volumeLicense, EVIDENCE);
      await f.registry.connect(f.arbiter).reinstate(f.volumeLicense, EVIDENCE);
    },
    call: (r, f) => r.suspend(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "suspend (again in the same holding)",
    allowed: ["arbiter"],
    deniedWith: "ProductNotControllerOrArbiter",
    deniedOverride: { publisher: "LicenseControllerSuspensionUsed" },
    setup: async (f) => {
      await f.registry.connect(f.publisher).suspend(f.volumeLicense, EVIDENCE);
      await f.registry.connect(f.publisher).reinstate(f.volumeLicense, EVIDENCE);
    },
    call: (r, f) => r.suspend(f.volumeLicense, EVIDENCE),
  },
  {
    fn: "startProductControlRecovery (publisher's product)",
    allowed: [],
    deniedWith: "ProductNotOperatorControlled",
    deniedOverride: {
      publisher: "AccessControlUnauthorizedAccount",
      operator: "AccessControlUnauthorizedAccount",
      pauser: "AccessControlUnauthorizedAccount",
      arbiter: "AccessControlUnauthorizedAccount",
      distributor: "AccessControlUnauthorizedAccount",
      dealer: "AccessControlUnauthorizedAccount",
      holder: "AccessControlUnauthorizedAccount",
      stranger: "AccessControlUnauthorizedAccount",
    },
    call: (r, f) => r.startProductControlRecovery(1, f.operator.address),
  },
  {
    fn: "startProductControlRecovery (orphaned operator product)",
    allowed: ["admin"],
    deniedWith: "AccessControlUnauthorizedAccount",
    setup: async (f) => {
      await f.registry
        .connect(f.operator)
        .registerProductForPublisher(f.absentPublisher.address, VOLUME_TERMS, "");
      await f.registry.connect(f.admin).revokeRole(ROLES.OPERATOR, f.operator.address);
      await f.registry.connect(f.admin).grantRole(ROLES.OPERATOR, f.stranger.address);
    },
    call: (r, f) => r.startProductControlRecovery(5, f.stranger.address),
  },
  {
    fn: "completeProductControlRecovery",
    allowed: ["stranger"],
    deniedWith: "ProductNotRecoveringController",
    setup: async (f) => {
      await f.registry
        .connect(f.operator)
        .registerProductForPublisher(f.absentPublisher.address, VOLUME_TERMS, "");
      await f.registry.connect(f.admin).revokeRole(ROLES.OPERATOR, f.operator.address);
      await f.registry.connect(f.admin).grantRole(ROLES.OPERATOR, f.stranger.address);
      await f.registry.connect(f.admin).startProductControlRecovery(5, f.stranger.address);
      await time.increase(7n * 24n * 3600n);
    },
    call: (r) => r.completeProductControlRecovery(5),
  },
  {
    fn: "pause",
    allowed: ["pauser"],
    deniedWith: "AccessControlUnauthorizedAccount",
    call: (r) => r.pause(3600),
  },
  {
    fn: "unpause",
    allowed: ["pauser"],
    deniedWith: "AccessControlUnauthorizedAccount",
    setup: (f) => f.registry.connect(f.pauser).pause(3600),
    call: (r) => r.unpause(),
  },
  {
    fn: "grantRole",
    allowed: ["admin"],
    deniedWith: "AccessControlUnauthorizedAccount",
    call: (r, f) => r.grantRole(ROLES.ARBITER, f.stranger.address),
  },
  {
    fn: "transferFrom (released license)",
    allowed: ["holder"],
    deniedWith: "ERC721InsufficientApproval",
    setup: (f) => f.registry.connect(f.holder).release(f.volumeLicense, DECLARATION),
    call: (r, f, as) => r.transferFrom(f.holder.address, as.address, f.volumeLicense),
  },
  {
    fn: "releaseAndTransfer",
    allowed: ["holder"],
    deniedWith: "NotOwnerNorApproved",
    call: (r, f, as) => r.releaseAndTransfer(as.address, f.volumeLicense, DECLARATION),
  },
  {
    fn: "release",
    allowed: ["holder"],
    deniedWith: "ERC721InsufficientApproval",
    call: (r, f) => r.release(f.volumeLicense, DECLARATION),
  },
  {
    fn: "withdrawRelease",
    allowed: ["holder"],
    deniedWith: "ERC721InsufficientApproval",
    setup: (f) => f.registry.connect(f.holder).release(f.volumeLicense, DECLARATION),
    call: (r, f) => r.withdrawRelease(f.volumeLicense),
  },
  {
    fn: "split",
    allowed: ["holder"],
    deniedWith: "ERC721InsufficientApproval",
    call: (r, f) => r.split(f.volumeLicense, [40, 60]),
  },
  {
    fn: "surrender",
    allowed: ["holder"],
    deniedWith: "ERC721IncorrectOwner",
    call: (r, f) => r.surrender(f.volumeLicense),
  },
];

describe("LicenseRegistry: role matrix (function x role)", function () {
  for (const row of MATRIX) {
    describe(row.fn, function () {
      for (const role of ROLE_NAMES) {
        const allowed = row.allowed.includes(role);
        it(`${allowed ? "allows" : "refuses"} ${role}`, async function () {
          const f = await loadFixture(licensesFixture);
          if (row.setup !== undefined) await row.setup(f);
          const signer = f[role];
          const call = row.call(f.registry.connect(signer), f, signer);
          if (allowed) await expect(call).not.to.be.revert(ethers);
          else {
            const error = row.deniedOverride?.[role] ?? row.deniedWith;
            await expect(call).to.be.revertedWithCustomError(f.registry, error);
          }
        });
      }
    });
  }
});

describe("LicenseRegistry: admin handover", function () {
  it("is two-step and delayed", async function () {
    const { registry, admin, stranger } = await loadFixture(licensesFixture);
    await registry.connect(admin).beginDefaultAdminTransfer(stranger.address);
    await expect(
      registry.connect(stranger).acceptDefaultAdminTransfer(),
    ).to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay");
    await time.increase(ADMIN_DELAY + 1n);
    await registry.connect(stranger).acceptDefaultAdminTransfer();
    expect(await registry.defaultAdmin()).to.equal(stranger.address);
    expect(await registry.hasRole(ROLES.ADMIN, admin.address)).to.equal(false);
  });

  it("gives the admin no power over licenses", async function () {
    const { registry, admin, holder, volumeLicense } = await loadFixture(licensesFixture);
    await registry.connect(holder).release(volumeLicense, DECLARATION);
    await registry.connect(admin).grantRole(ROLES.PAUSER, admin.address);
    await registry.connect(admin).grantRole(ROLES.ARBITER, admin.address);
    // Even as arbiter the admin can freeze a license, never take or move it.
    await expect(registry.connect(admin).transferFrom(holder.address, admin.address, volumeLicense))
      .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
      .withArgs(admin.address, volumeLicense);
    await expect(registry.connect(admin).revoke(volumeLicense, REASON_FRAUD, EVIDENCE))
      .to.be.revertedWithCustomError(registry, "ProductNotController")
      .withArgs(1, admin.address);
  });
});

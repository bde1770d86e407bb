import { expect } from "chai";

import { DECLARATION, EVIDENCE, REASON_FRAUD, licenseIdOf } from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

interface Metadata {
  name: string;
  description: string;
  attributes: { trait_type: string; value: string | number; display_type?: string }[];
  product_uri: string;
}

function decode(uri: string): Metadata {
  const prefix = "data:application/json;base64,";
  expect(uri.startsWith(prefix)).to.equal(true);
  return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as Metadata;
}

const trait = (m: Metadata, name: string) => m.attributes.find((a) => a.trait_type === name)?.value;

describe("LicenseRegistry: queries and metadata", function () {
  it("names the collection", async function () {
    const { registry } = await loadFixture(licensesFixture);
    expect(await registry.name()).to.equal("License Ledger");
    expect(await registry.symbol()).to.equal("LICENSE");
  });

  it("answers isValidFor only for the holder, and never for unknown ids or the zero address", async function () {
    const { registry, holder, buyer, volumeLicense } = await loadFixture(licensesFixture);
    expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(true);
    expect(await registry.isValidFor(volumeLicense, buyer.address)).to.equal(false);
    expect(await registry.isValidFor(42, ethers.ZeroAddress)).to.equal(false);
    expect(await registry.isValid(42)).to.equal(false);
    await expect(registry.getLicense(42))
      .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
      .withArgs(42);
    await expect(registry.locked(42))
      .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
      .withArgs(42);
  });

  it("describes a license truthfully in on-chain JSON, and follows its status", async function () {
    const { registry, publisher, holder, volumeLicense, subscriptionLicense, validUntil } =
      await loadFixture(licensesFixture);
    let m = decode(await registry.tokenURI(volumeLicense));
    expect(m.name).to.equal(`License Ledger #${volumeLicense}`);
    expect(m.product_uri).to.equal("ipfs://product-terms");
    expect(trait(m, "Product")).to.equal("1");
    expect(trait(m, "Status")).to.equal("active");
    expect(trait(m, "Seats")).to.equal(100);
    expect(trait(m, "Valid until")).to.equal("perpetual");
    expect(trait(m, "Transferable")).to.equal("yes");

    const s = decode(await registry.tokenURI(subscriptionLicense));
    expect(trait(s, "Valid until")).to.equal(Number(validUntil));
    expect(s.attributes.find((a) => a.trait_type === "Valid until")?.display_type).to.equal("date");
    expect(m.attributes.find((a) => a.trait_type === "Valid until")?.display_type).to.equal(
      undefined,
    );
    expect(trait(s, "Transferable")).to.equal("no");

    await registry.connect(holder).release(volumeLicense, DECLARATION);
    expect(trait(decode(await registry.tokenURI(volumeLicense)), "Status")).to.equal(
      "released for resale",
    );
    await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
    expect(trait(decode(await registry.tokenURI(volumeLicense)), "Status")).to.equal("suspended");
    await registry.connect(publisher).revoke(volumeLicense, REASON_FRAUD, EVIDENCE);
    m = decode(await registry.tokenURI(volumeLicense));
    expect(trait(m, "Status")).to.equal("revoked");
    expect(m.description).to.contain("revoked");

    await time.increaseTo(validUntil);
    expect(trait(decode(await registry.tokenURI(subscriptionLicense)), "Status")).to.equal(
      "expired",
    );
    await registry.connect(holder).surrender(subscriptionLicense);
    expect(trait(decode(await registry.tokenURI(subscriptionLicense)), "Status")).to.equal(
      "surrendered",
    );
  });

  it("shows a split parent as split", async function () {
    const { registry, holder, volumeLicense } = await loadFixture(licensesFixture);
    await registry.connect(holder).split(volumeLicense, [1, 99]);
    expect(trait(decode(await registry.tokenURI(volumeLicense)), "Status")).to.equal("split");
  });

  it("escapes a product URI so it cannot break the JSON", async function () {
    const { registry, publisher, holder } = await loadFixture(licensesFixture);
    const hostile = 'https://x.example/"},"name":"FAKE';
    await registry.connect(publisher).registerProduct(
      {
        validityDays: 0,
        maxSeatsPerLicense: 1,
        transferable: true,
        splittable: false,
        attestationRequired: false,
      },
      hostile,
    );
    await registry.connect(publisher).issue(5, holder.address, 1, 0);
    const m = decode(await registry.tokenURI(licenseIdOf(5, 1)));
    expect(m.product_uri).to.equal(hostile);
    expect(m.name).to.equal(`License Ledger #${licenseIdOf(5, 1)}`);
  });

  it("refuses metadata for unknown licenses", async function () {
    const { registry } = await loadFixture(licensesFixture);
    await expect(registry.tokenURI(7))
      .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
      .withArgs(7);
  });

  it("supports ERC-165, ERC-721 (+metadata), ERC-4906, ERC-5192 and access control", async function () {
    const { registry } = await loadFixture(licensesFixture);
    for (const id of [
      "0x01ffc9a7",
      "0x80ac58cd",
      "0x5b5e139f",
      "0x49064906",
      "0xb45a3c0e",
      "0x7965db0b",
      "0x31498786",
    ]) {
      expect(await registry.supportsInterface(id), id).to.equal(true);
    }
    expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    expect(await registry.supportsInterface("0x12345678")).to.equal(false);
  });
});

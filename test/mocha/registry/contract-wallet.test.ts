import { expect } from "chai";

import { DECLARATION, Status } from "../../helpers/constants.js";
import { walletFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";

const { loadFixture } = networkHelpers;

/** Companies hold licenses in multisig wallets: everything a holder does must work from one. */
describe("LicenseRegistry: a company's multisig wallet as holder", function () {
  it("holds an onboarded license that is valid for it", async function () {
    const { registry, wallet, walletLicense } = await loadFixture(walletFixture);
    expect(await registry.isValidFor(walletLicense, await wallet.getAddress())).to.equal(true);
  });

  it("releases and sells only once enough owners approved", async function () {
    const { registry, wallet, walletLicense, holder, stranger, buyer } =
      await loadFixture(walletFixture);
    const target = await registry.getAddress();
    const data = registry.interface.encodeFunctionData("releaseAndTransfer", [
      buyer.address,
      walletLicense,
      DECLARATION,
    ]);
    await wallet.connect(holder).approveCall(target, data);
    await expect(wallet.connect(holder).execute(target, data)).to.be.revertedWithCustomError(
      wallet,
      "NotEnoughApprovals",
    );
    await wallet.connect(stranger).approveCall(target, data);
    await expect(wallet.connect(holder).execute(target, data))
      .to.emit(registry, "LicenseReleased")
      .withArgs(walletLicense, 1, await wallet.getAddress(), DECLARATION);
    expect(await registry.ownerOf(walletLicense)).to.equal(buyer.address);
  });

  it("receives a license by safeTransferFrom and can split it", async function () {
    const { registry, wallet, holder, stranger, volumeLicense } = await loadFixture(walletFixture);
    const walletAddress = await wallet.getAddress();
    await registry.connect(holder).release(volumeLicense, DECLARATION);
    await registry
      .connect(holder)
      ["safeTransferFrom(address,address,uint256)"](holder.address, walletAddress, volumeLicense);
    expect(await registry.isValidFor(volumeLicense, walletAddress)).to.equal(true);

    const target = await registry.getAddress();
    const data = registry.interface.encodeFunctionData("split", [volumeLicense, [70, 30]]);
    await wallet.connect(holder).approveCall(target, data);
    await wallet.connect(stranger).approveCall(target, data);
    await wallet.connect(stranger).execute(target, data);
    expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Split);
  });

  it("bubbles the registry's refusal up through the wallet", async function () {
    const { registry, wallet, walletLicense, holder, stranger, buyer } =
      await loadFixture(walletFixture);
    const target = await registry.getAddress();
    const data = registry.interface.encodeFunctionData("transferFrom", [
      await wallet.getAddress(),
      buyer.address,
      walletLicense,
    ]);
    await wallet.connect(holder).approveCall(target, data);
    await wallet.connect(stranger).approveCall(target, data);
    await expect(wallet.connect(holder).execute(target, data))
      .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
      .withArgs(walletLicense);
  });
});

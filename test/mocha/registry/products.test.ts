import { expect } from "chai";

import {
  IssuerKind,
  SUBSCRIPTION_TERMS,
  VOLUME_TERMS,
  licenseIdOf,
  ROLES,
} from "../../helpers/constants.js";
import { deployRegistryFixture, productsFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture } = networkHelpers;
const termsTuple = (t: typeof VOLUME_TERMS) => [
  t.validityDays,
  t.maxSeatsPerLicense,
  t.transferable,
  t.splittable,
  t.attestationRequired,
];

describe("LicenseRegistry: products and terms", function () {
  describe("registerProduct", function () {
    it("registers a product controlled by the publisher, with sequential ids", async function () {
      const { registry, publisher } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(publisher).registerProduct(VOLUME_TERMS, "ipfs://office"))
        .to.emit(registry, "ProductRegistered")
        .withArgs(
          1,
          publisher.address,
          publisher.address,
          termsTuple(VOLUME_TERMS),
          "ipfs://office",
          false,
        );
      await registry.connect(publisher).registerProduct(SUBSCRIPTION_TERMS, "");
      expect(await registry.productCount()).to.equal(2);

      const product = await registry.getProduct(1);
      expect(product.controller).to.equal(publisher.address);
      expect(product.pendingController).to.equal(ethers.ZeroAddress);
      expect(product.terms).to.deep.equal(termsTuple(VOLUME_TERMS));
      expect(product.licensesIssued).to.equal(0);
      expect(product.closed).to.equal(false);
      expect(product.registeredByOperator).to.equal(false);
      expect(product.metadataURI).to.equal("ipfs://office");
      expect((await registry.getProduct(2)).metadataURI).to.equal("");
    });

    it("refuses accounts without the publisher role", async function () {
      const { registry, stranger } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(stranger).registerProduct(VOLUME_TERMS, ""))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ROLES.PUBLISHER);
    });

    it("refuses terms without seats", async function () {
      const { registry, publisher } = await loadFixture(deployRegistryFixture);
      await expect(
        registry.connect(publisher).registerProduct({ ...VOLUME_TERMS, maxSeatsPerLicense: 0 }, ""),
      ).to.be.revertedWithCustomError(registry, "ProductMaxSeatsZero");
    });
  });

  describe("registerProductForPublisher (absent publisher)", function () {
    it("lets the operator register with the published terms and invite the publisher", async function () {
      const { registry, operator, absentPublisher } = await loadFixture(deployRegistryFixture);
      await expect(
        registry
          .connect(operator)
          .registerProductForPublisher(
            absentPublisher.address,
            VOLUME_TERMS,
            "https://publisher.example/eula",
          ),
      )
        .to.emit(registry, "ProductRegistered")
        .withArgs(
          1,
          operator.address,
          absentPublisher.address,
          termsTuple(VOLUME_TERMS),
          "https://publisher.example/eula",
          true,
        )
        .and.to.emit(registry, "ProductControlTransferStarted")
        .withArgs(1, operator.address, absentPublisher.address);
      const product = await registry.getProduct(1);
      expect(product.controller).to.equal(operator.address);
      expect(product.pendingController).to.equal(absentPublisher.address);
      expect(product.registeredByOperator).to.equal(true);
    });

    it("records no pending controller when the publisher is not known yet", async function () {
      const { registry, operator } = await loadFixture(deployRegistryFixture);
      await expect(
        registry
          .connect(operator)
          .registerProductForPublisher(ethers.ZeroAddress, VOLUME_TERMS, ""),
      )
        .to.emit(registry, "ProductRegistered")
        .and.not.to.emit(registry, "ProductControlTransferStarted");
      expect((await registry.getProduct(1)).pendingController).to.equal(ethers.ZeroAddress);
    });

    it("refuses accounts without the operator role", async function () {
      const { registry, publisher } = await loadFixture(deployRegistryFixture);
      await expect(
        registry
          .connect(publisher)
          .registerProductForPublisher(publisher.address, VOLUME_TERMS, ""),
      )
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(publisher.address, ROLES.OPERATOR);
    });

    it("hands control to the publisher in two steps, and the operator loses it", async function () {
      const { registry, operator, absentPublisher, holder } =
        await loadFixture(deployRegistryFixture);
      await registry
        .connect(operator)
        .registerProductForPublisher(absentPublisher.address, VOLUME_TERMS, "");
      await registry.connect(operator).issue(1, holder.address, 1, 0);

      await expect(registry.connect(operator).acceptProductControl(1))
        .to.be.revertedWithCustomError(registry, "ProductNotPendingController")
        .withArgs(1, operator.address);
      await expect(registry.connect(absentPublisher).acceptProductControl(1))
        .to.emit(registry, "ProductControlTransferred")
        .withArgs(1, operator.address, absentPublisher.address);

      const product = await registry.getProduct(1);
      expect(product.controller).to.equal(absentPublisher.address);
      expect(product.pendingController).to.equal(ethers.ZeroAddress);
      expect(product.licensesIssued).to.equal(1);
      expect(product.registeredByOperator).to.equal(true);
      await expect(registry.connect(operator).issue(1, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductNotIssuer")
        .withArgs(1, operator.address);
      await registry.connect(absentPublisher).issue(1, holder.address, 1, 0);
      expect(await registry.ownerOf(licenseIdOf(1, 2))).to.equal(holder.address);
    });

    it("voids every issuer the previous controller appointed, itself included", async function () {
      const { registry, operator, absentPublisher, dealer, holder } =
        await loadFixture(deployRegistryFixture);
      await registry
        .connect(operator)
        .registerProductForPublisher(absentPublisher.address, VOLUME_TERMS, "");
      await registry.connect(operator).setIssuer(1, operator.address, IssuerKind.Distributor);
      await registry.connect(operator).setIssuer(1, dealer.address, IssuerKind.Onboarder);
      await registry.connect(absentPublisher).acceptProductControl(1);
      expect(await registry.issuerKind(1, operator.address)).to.equal(IssuerKind.None);
      expect(await registry.issuerKind(1, dealer.address)).to.equal(IssuerKind.None);
      await expect(registry.connect(operator).issue(1, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductNotIssuer")
        .withArgs(1, operator.address);
      // The new controller appoints its own, and they work.
      await registry.connect(absentPublisher).setIssuer(1, dealer.address, IssuerKind.Onboarder);
      expect(await registry.issuerKind(1, dealer.address)).to.equal(IssuerKind.Onboarder);
      await registry
        .connect(dealer)
        .issueWithEvidence(1, holder.address, 1, 0, ethers.id("invoice"));
    });
  });

  describe("transferProductControl", function () {
    it("lets only the controller offer control, and cancel the offer", async function () {
      const { registry, publisher, stranger, operator } = await loadFixture(productsFixture);
      await expect(registry.connect(stranger).transferProductControl(1, stranger.address))
        .to.be.revertedWithCustomError(registry, "ProductNotController")
        .withArgs(1, stranger.address);
      await registry.connect(publisher).transferProductControl(1, operator.address);
      await expect(registry.connect(publisher).transferProductControl(1, ethers.ZeroAddress))
        .to.emit(registry, "ProductControlTransferStarted")
        .withArgs(1, publisher.address, ethers.ZeroAddress);
      await expect(registry.connect(operator).acceptProductControl(1))
        .to.be.revertedWithCustomError(registry, "ProductNotPendingController")
        .withArgs(1, operator.address);
    });

    it("refuses unknown products", async function () {
      const { registry, publisher } = await loadFixture(productsFixture);
      await expect(registry.connect(publisher).transferProductControl(99, publisher.address))
        .to.be.revertedWithCustomError(registry, "ProductDoesNotExist")
        .withArgs(99);
      await expect(registry.connect(publisher).acceptProductControl(99))
        .to.be.revertedWithCustomError(registry, "ProductDoesNotExist")
        .withArgs(99);
      await expect(registry.getProduct(0))
        .to.be.revertedWithCustomError(registry, "ProductDoesNotExist")
        .withArgs(0);
    });
  });

  describe("updateProductTerms", function () {
    it("replaces terms and URI while no license exists, keeping closed and operator flags", async function () {
      const { registry, operator } = await loadFixture(deployRegistryFixture);
      await registry
        .connect(operator)
        .registerProductForPublisher(ethers.ZeroAddress, VOLUME_TERMS, "v1");
      await registry.connect(operator).closeProduct(1);
      await expect(registry.connect(operator).updateProductTerms(1, SUBSCRIPTION_TERMS, "v2"))
        .to.emit(registry, "ProductTermsUpdated")
        .withArgs(1, termsTuple(SUBSCRIPTION_TERMS), "v2");
      const product = await registry.getProduct(1);
      expect(product.terms).to.deep.equal(termsTuple(SUBSCRIPTION_TERMS));
      expect(product.metadataURI).to.equal("v2");
      expect(product.closed).to.equal(true);
      expect(product.registeredByOperator).to.equal(true);
    });

    it("fixes the terms once a license exists: a new version is a new product", async function () {
      const { registry, publisher, holder } = await loadFixture(productsFixture);
      await registry.connect(publisher).issue(1, holder.address, 1, 0);
      await expect(registry.connect(publisher).updateProductTerms(1, SUBSCRIPTION_TERMS, ""))
        .to.be.revertedWithCustomError(registry, "ProductTermsLocked")
        .withArgs(1);
    });

    it("refuses invalid terms and callers other than the controller", async function () {
      const { registry, publisher, stranger } = await loadFixture(productsFixture);
      await expect(
        registry
          .connect(publisher)
          .updateProductTerms(1, { ...VOLUME_TERMS, maxSeatsPerLicense: 0 }, ""),
      ).to.be.revertedWithCustomError(registry, "ProductMaxSeatsZero");
      await expect(registry.connect(stranger).updateProductTerms(1, VOLUME_TERMS, ""))
        .to.be.revertedWithCustomError(registry, "ProductNotController")
        .withArgs(1, stranger.address);
    });
  });

  describe("closeProduct", function () {
    it("closes issuance for good but leaves existing licenses alone", async function () {
      const { registry, publisher, holder } = await loadFixture(productsFixture);
      await registry.connect(publisher).issue(1, holder.address, 10, 0);
      await expect(registry.connect(publisher).closeProduct(1))
        .to.emit(registry, "ProductClosedForIssuance")
        .withArgs(1);
      expect((await registry.getProduct(1)).closed).to.equal(true);
      await expect(registry.connect(publisher).issue(1, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductClosed")
        .withArgs(1);
      await expect(registry.connect(publisher).closeProduct(1))
        .to.be.revertedWithCustomError(registry, "ProductClosed")
        .withArgs(1);
      expect(await registry.isValid(licenseIdOf(1, 1))).to.equal(true);
      // A split issues no new seats, so it still works on a closed product.
      await registry.connect(holder).split(licenseIdOf(1, 1), [4, 6]);
      expect(await registry.ownerOf(licenseIdOf(1, 3))).to.equal(holder.address);
    });
  });

  describe("setIssuer", function () {
    it("authorises and removes issuers of the controller's product", async function () {
      const { registry, publisher, stranger, holder } = await loadFixture(productsFixture);
      await expect(
        registry.connect(publisher).setIssuer(1, stranger.address, IssuerKind.Distributor),
      )
        .to.emit(registry, "IssuerSet")
        .withArgs(1, stranger.address, IssuerKind.Distributor);
      expect(await registry.issuerKind(1, stranger.address)).to.equal(IssuerKind.Distributor);
      await registry.connect(stranger).issue(1, holder.address, 1, 0);
      await registry.connect(publisher).setIssuer(1, stranger.address, IssuerKind.None);
      await expect(registry.connect(stranger).issue(1, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductNotIssuer")
        .withArgs(1, stranger.address);
    });

    it("refuses callers other than the controller", async function () {
      const { registry, distributor, stranger } = await loadFixture(productsFixture);
      await expect(
        registry.connect(distributor).setIssuer(1, stranger.address, IssuerKind.Distributor),
      )
        .to.be.revertedWithCustomError(registry, "ProductNotController")
        .withArgs(1, distributor.address);
    });
  });
});

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseRegistryErrors} from "./ILicenseRegistryErrors.sol";

/// @title ILicenseCommitmentsErrors
/// @notice Every refusal of the committed-issuance module (`ILicenseCommitments`), with the values
/// involved. It extends the registry's errors: a claim issues through the registry, whose
/// refusals (pause, seats, validity, evidence, key commitments) bubble up unchanged, and a leaf's
/// revocation reuses the registry's `ProductNotController`, `LicenseReasonMissing` and
/// `LicenseEvidenceMissing`; so a client holding only the module's ABI decodes them all.
interface ILicenseCommitmentsErrors is ILicenseRegistryErrors {
    /// @notice No run has id `runId`.
    error CommitmentRunUnknown(uint256 runId);
    /// @notice License `licenseId` is not in run `runId`'s range
    /// `[firstLicenseId, firstLicenseId + leafCount)`.
    error CommitmentLeafOutsideRun(
        uint256 runId,
        uint256 licenseId,
        uint256 firstLicenseId,
        uint256 leafCount
    );
    /// @notice The leaf given for license `licenseId` and its proof do not lead to run `runId`'s
    /// root: some field of the leaf, or the proof, is not what was committed.
    error CommitmentProofInvalid(uint256 runId, uint256 licenseId);
    /// @notice The leaf of license `licenseId` in run `runId` was claimed already.
    error CommitmentLeafAlreadyClaimed(uint256 runId, uint256 licenseId);
    /// @notice The leaf of license `licenseId` in run `runId` was revoked; it is never claimed.
    error CommitmentLeafRevoked(uint256 runId, uint256 licenseId);
    /// @notice Run `runId` was revoked as a whole already.
    error CommitmentRunRevoked(uint256 runId);
    /// @notice A run has 1 to `maxLeafCount` leaves (what is left of the committed half of a
    /// product's serial space, below `COMMITTED_SERIAL_LIMIT`); `leafCount` is not.
    error CommitmentRunSizeInvalid(uint256 leafCount, uint256 maxLeafCount);
    /// @notice A run's root is never zero.
    error CommitmentRootZero();
    /// @notice A batch claim needs one proof per leaf and at least one leaf.
    error CommitmentBatchInvalid(uint256 leaves, uint256 proofs);
}

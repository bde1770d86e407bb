import { network } from "hardhat";

/**
 * One in-process network connection shared by every mocha test file, so `loadFixture` snapshots
 * and network helpers all act on the same chain.
 */
export const connection = await network.getOrCreate();
export const { ethers, networkHelpers } = connection;

package dev.plangate.enforcement;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A block of a quota reserved at once and spent by a client in its own process.
 *
 * @param periodStart the start of the quota's period the block counts in
 * @param unspent what the client said it left unspent; absent until it gave the block
 * back
 * @param returned what went back to the quota: the unspent units, or none when the block
 * was given back after it expired or its period ended; absent until then
 */
record Allowance(UUID id, String customerId, String feature, Instant periodStart, long granted, Instant reservedAt,
		Instant expiresAt, @Nullable Long unspent, @Nullable Long returned, @Nullable Instant returnedAt) {

	/** The ledger's id of the usage event counting the block as used. */
	String eventId() {
		return "allowance:" + id;
	}

	/** The ledger's id of the usage event giving the unspent units back. */
	String returnEventId() {
		return eventId() + ":returned";
	}

}

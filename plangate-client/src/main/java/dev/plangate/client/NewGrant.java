package dev.plangate.client;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A grant to give, for {@link Plangate#grant}.
 *
 * @param startsAt drawn from then; now when absent
 * @param expiresAt what remains then is forfeited; never when absent
 */
public record NewGrant(String feature, long amount, @Nullable String reason, @Nullable Instant startsAt,
		@Nullable Instant expiresAt) {

	public NewGrant {
		Objects.requireNonNull(feature, "feature");
		if (amount < 1) {
			throw new IllegalArgumentException("amount must be at least 1, not " + amount);
		}
	}

	/** {@code amount} of {@code feature}, from now, without expiry. */
	public static NewGrant of(String feature, long amount) {
		return new NewGrant(feature, amount, null, null, null);
	}

	public NewGrant withReason(String reason) {
		return new NewGrant(feature, amount, reason, startsAt, expiresAt);
	}

	public NewGrant startingAt(Instant startsAt) {
		return new NewGrant(feature, amount, reason, startsAt, expiresAt);
	}

	public NewGrant expiringAt(Instant expiresAt) {
		return new NewGrant(feature, amount, reason, startsAt, expiresAt);
	}

}

package dev.plangate.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.ResetPeriod;

/**
 * The window a quota counts usage in: from {@code start} (inclusive) to {@code end}
 * (exclusive), in UTC. A lifetime quota's window starts at the epoch and never ends.
 */
public record Period(Instant start, @Nullable Instant end) {

	/** The lifetime window. */
	public static final Period LIFETIME = new Period(Instant.EPOCH, null);

	/**
	 * The window of {@code period} holding {@code at}.
	 * @param billing the subscription's billing period holding {@code at}, used for
	 * {@link ResetPeriod#BILLING_PERIOD}
	 */
	public static Period of(ResetPeriod period, Instant at, Period billing) {
		var utc = at.atZone(ZoneOffset.UTC);
		return switch (period) {
			case HOUR -> {
				var start = utc.truncatedTo(ChronoUnit.HOURS);
				yield new Period(start.toInstant(), start.plusHours(1).toInstant());
			}
			case DAY -> {
				var start = utc.truncatedTo(ChronoUnit.DAYS);
				yield new Period(start.toInstant(), start.plusDays(1).toInstant());
			}
			case MONTH -> {
				var start = utc.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
				yield new Period(start.toInstant(), start.plusMonths(1).toInstant());
			}
			case BILLING_PERIOD -> billing;
			case LIFETIME -> LIFETIME;
		};
	}

	public boolean contains(Instant at) {
		return !at.isBefore(start) && (end == null || at.isBefore(end));
	}

	/**
	 * How much of the window has passed at {@code now}, from 0 to 1; 0 for a window
	 * without end.
	 */
	public double elapsed(Instant now) {
		if (end == null) {
			return 0;
		}
		long total = Duration.between(start, end).toMillis();
		long gone = Duration.between(start, now).toMillis();
		return total <= 0 ? 1 : Math.max(0, Math.min(1, (double) gone / total));
	}
}

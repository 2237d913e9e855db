package dev.plangate.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, for periods, trials and expiries. Safe
 * to read from server threads while a test moves it. Clocks from {@link #withZone} share
 * its instant.
 */
public final class MovableClock extends Clock {

	private final AtomicReference<Instant> now;

	private final ZoneId zone;

	public MovableClock(Instant start) {
		this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
	}

	private MovableClock(AtomicReference<Instant> now, ZoneId zone) {
		this.now = now;
		this.zone = zone;
	}

	/** Puts the clock at {@code instant}, forwards or back. */
	public void set(Instant instant) {
		now.set(Objects.requireNonNull(instant, "instant"));
	}

	/** Moves the clock on by {@code duration} and answers the new instant. */
	public Instant advance(Duration duration) {
		Objects.requireNonNull(duration, "duration");
		return now.updateAndGet(instant -> instant.plus(duration));
	}

	@Override
	public Instant instant() {
		return now.get();
	}

	@Override
	public ZoneId getZone() {
		return zone;
	}

	@Override
	public Clock withZone(ZoneId otherZone) {
		return otherZone.equals(zone) ? this : new MovableClock(now, otherZone);
	}

	@Override
	public String toString() {
		return "MovableClock[" + now.get() + "," + zone + "]";
	}

}

package dev.plangate.identity.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.StoredJson;

/**
 * The lockout of sign-in attempts: one state machine, one table, for an account and for a
 * login no account has alike, so that a lockout cannot tell which logins have an account.
 *
 * <p>
 * Each attempt is counted as a failure <em>before</em> its password is checked, under a
 * lock on the subject's row, and forgotten when it succeeds: parallel guesses cannot
 * check more passwords than the threshold allows. From the threshold on, the subject is
 * locked for a time that doubles with each further failure, up to a cap; it is never
 * locked for good. Failures are forgotten once none came for {@code forget-after}.
 */
@Component
public class LoginLockouts {

	private static final String ACCOUNT_PREFIX = "account:";

	private final LoginLockoutRepository repository;

	private final Clock clock;

	private final int threshold;

	private final Duration base;

	private final Duration max;

	private final Duration forgetAfter;

	private final AccountRepository accounts;

	private final ApplicationEventPublisher events;

	LoginLockouts(LoginLockoutRepository repository, Clock clock, AccountSettings settings, AccountRepository accounts,
			ApplicationEventPublisher events) {
		this.repository = repository;
		this.accounts = accounts;
		this.events = events;
		this.clock = clock;
		this.threshold = settings.lockout().threshold();
		this.base = settings.lockout().base();
		this.max = settings.lockout().max();
		this.forgetAfter = settings.lockout().forgetAfter();
	}

	public static String account(UUID accountId) {
		return ACCOUNT_PREFIX + accountId;
	}

	/** A login no account has, lower-cased; kept as its SHA-256 only. */
	public static String unknownLogin(String login) {
		return "login:" + StoredJson.sha256(login);
	}

	/**
	 * Counts the attempt as failed until it succeeds; refuses it while the subject is
	 * locked.
	 * @return the failures counted, this one included: what {@link #succeeded} forgets
	 * @throws dev.plangate.platform.PlangateException {@code too_many_attempts} with
	 * {@code Retry-After} while locked
	 */
	@Transactional
	public int reserve(String subject) {
		var now = clock.instant();
		var state = repository.lock(subject, now);
		if (state.lockedUntil() != null && state.lockedUntil().isAfter(now)) {
			throw AuthThrottle.tooMany(Duration.between(now, state.lockedUntil()));
		}
		boolean forgotten = !state.lastFailureAt().plus(forgetAfter).isAfter(now);
		int failed = (forgotten ? 0 : state.failedLogins()) + 1;
		repository.recordFailure(subject, failed, failed >= threshold ? now.plus(lockout(failed)) : null, now);
		return failed;
	}

	/**
	 * The attempt that {@link #reserve} counted as {@code counted} failed, whatever
	 * refused it: a wrong password, a missing or wrong second factor, a suspended
	 * account. When its reservation locked an account, tells the outside world
	 * ({@code account.locked}) in this transaction, under the subject's row lock: at the
	 * reservation the attempt might still have succeeded, and then it locks nothing. Only
	 * one reservation can reach the threshold before the lock it sets refuses the next,
	 * so each lockout is told once.
	 */
	@Transactional
	public void failed(String subject, int counted) {
		if (counted < threshold || !subject.startsWith(ACCOUNT_PREFIX)) {
			return;
		}
		var now = clock.instant();
		var state = repository.lock(subject, now);
		var lockedUntil = state.lockedUntil();
		if (lockedUntil != null && lockedUntil.isAfter(now)) {
			announceLocked(subject, state.failedLogins(), lockedUntil);
		}
	}

	/** Forgets the failures a successful attempt counted ({@link #reserve}'s answer). */
	@Transactional
	public void succeeded(String subject, int counted) {
		repository.clearFailures(subject, counted);
	}

	/** Unlocks at once and forgets every failure: a new password. */
	@Transactional
	public void forget(String subject) {
		repository.delete(subject);
	}

	/**
	 * Tells the outside world that an account's sign-in is locked.
	 */
	private void announceLocked(String subject, int failed, Instant lockedUntil) {
		UUID id;
		try {
			id = UUID.fromString(subject.substring(ACCOUNT_PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			return;
		}
		accounts.find(id)
			.ifPresent(account -> events.publishEvent(new OutboundEvent("account.locked", account.customerId(),
					new Locked(AccountViews.AccountView.of(account), failed, lockedUntil))));
	}

	/**
	 * What {@code account.locked} carries.
	 *
	 * @param failedAttempts the failed sign-ins in a row that locked it
	 * @param lockedUntil when sign-in is possible again
	 */
	record Locked(AccountViews.AccountView account, int failedAttempts, Instant lockedUntil) {
	}

	private Duration lockout(int failed) {
		int doublings = Math.min(failed - threshold, 20);
		var duration = base.multipliedBy(1L << doublings);
		return duration.compareTo(max) > 0 ? max : duration;
	}

	@Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT2M")
	void purgeForgotten() {
		var now = clock.instant();
		repository.deleteIdle(now.minus(forgetAfter), now);
	}

}

package dev.plangate.identity.account;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class LoginLockoutRepository {

	private final JdbcClient jdbc;

	LoginLockoutRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The failures counted on a subject, and its lock. */
	record State(int failedLogins, @Nullable Instant lockedUntil, Instant lastFailureAt) {
	}

	/**
	 * Locks the subject's row, made empty if it has none: attempts on one subject are
	 * counted one at a time.
	 */
	State lock(String subject, Instant now) {
		jdbc.sql("""
				insert into login_lockout (subject, failed_logins, locked_until, last_failure_at)
				values (:subject, 0, null, :now) on conflict do nothing""")
			.param("subject", subject)
			.param("now", Timestamps.sql(now))
			.update();
		return jdbc.sql("select * from login_lockout where subject = :subject for update")
			.param("subject", subject)
			.query((rs, n) -> new State(rs.getInt("failed_logins"), Timestamps.read(rs, "locked_until"),
					Timestamps.readRequired(rs, "last_failure_at")))
			.single();
	}

	void recordFailure(String subject, int failedLogins, @Nullable Instant lockedUntil, Instant at) {
		jdbc.sql("""
				update login_lockout set failed_logins = :failed, locked_until = :until, last_failure_at = :at
				 where subject = :subject""")
			.param("failed", failedLogins)
			.param("until", Timestamps.sql(lockedUntil))
			.param("at", Timestamps.sql(at))
			.param("subject", subject)
			.update();
	}

	/**
	 * Forgets the failures counted up to and including a successful attempt, which
	 * counted {@code upTo} of them; failures of attempts reserved since stay counted, and
	 * so does the lock they set.
	 */
	void clearFailures(String subject, int upTo) {
		jdbc.sql("""
				update login_lockout
				   set failed_logins = case when failed_logins > :upTo then failed_logins - :upTo else 0 end,
				       locked_until = case when failed_logins > :upTo then locked_until else null end
				 where subject = :subject and failed_logins > 0""")
			.param("upTo", upTo)
			.param("subject", subject)
			.update();
	}

	void delete(String subject) {
		jdbc.sql("delete from login_lockout where subject = :subject").param("subject", subject).update();
	}

	/**
	 * Deletes the rows whose failures are forgotten: those idle since {@code idleSince}.
	 */
	int deleteIdle(Instant idleSince, Instant now) {
		return jdbc.sql("""
				delete from login_lockout
				 where last_failure_at <= :idleSince and (locked_until is null or locked_until <= :now)""")
			.param("idleSince", Timestamps.sql(idleSince))
			.param("now", Timestamps.sql(now))
			.update();
	}

}

package dev.plangate.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class MailRepository {

	/** A mail claimed for one attempt: {@code attempt} counts from 1. */
	record Claimed(UUID id, Mail mail, int attempt) {
	}

	private final JdbcClient jdbc;

	MailRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(UUID id, Mail mail, Instant at) {
		jdbc.sql(
				"""
						insert into mail_outbox (id, recipient, subject, body, html, status, attempts, next_attempt_at, created_at)
						values (:id, :to, :subject, :body, :html, 'pending', 0, :at, :at)""")
			.param("id", id)
			.param("to", mail.to())
			.param("subject", mail.subject())
			.param("body", mail.text())
			.param("html", mail.html())
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * Claims up to {@code max} mails due at {@code now} (pending ones, and those whose
	 * sender's claim ran out), skipping rows another node is claiming, and holds them
	 * until {@code until}. Call in a transaction: the row locks last until it commits.
	 */
	List<Claimed> claim(Instant now, Instant until, int max) {
		var due = jdbc.sql("""
				select id, recipient, subject, body, html, attempts from mail_outbox
				where status in ('pending', 'sending') and next_attempt_at <= :now
				order by next_attempt_at limit :max for update skip locked""")
			.param("now", Timestamps.sql(now))
			.param("max", max)
			.query((rs, n) -> new Claimed(rs.getObject("id", UUID.class),
					new Mail(rs.getString("recipient"), rs.getString("subject"), text(rs), rs.getString("html")),
					rs.getInt("attempts") + 1))
			.list();
		for (var mail : due) {
			jdbc.sql("""
					update mail_outbox set status = 'sending', attempts = :attempt, next_attempt_at = :until
					where id = :id""")
				.param("id", mail.id())
				.param("attempt", mail.attempt())
				.param("until", Timestamps.sql(until))
				.update();
		}
		return due;
	}

	private static String text(ResultSet rs) throws SQLException {
		var body = rs.getString("body");
		return body == null ? "" : body;
	}

	/**
	 * Answers false when the claim was lost (it ran out and another node took the mail).
	 */
	boolean markSent(Claimed mail, Instant at, boolean eraseText) {
		return jdbc.sql("""
				update mail_outbox set status = 'sent', sent_at = :at,
				  body = case when :erase then null else body end,
				  html = case when :erase then null else html end
				where id = :id and status = 'sending' and attempts = :attempt""")
			.param("id", mail.id())
			.param("attempt", mail.attempt())
			.param("at", Timestamps.sql(at))
			.param("erase", eraseText)
			.update() == 1;
	}

	boolean markRetry(Claimed mail, Instant next, String error) {
		return jdbc.sql("""
				update mail_outbox set status = 'pending', next_attempt_at = :next, last_error = :error
				where id = :id and status = 'sending' and attempts = :attempt""")
			.param("id", mail.id())
			.param("attempt", mail.attempt())
			.param("next", Timestamps.sql(next))
			.param("error", error)
			.update() == 1;
	}

	boolean markFailed(Claimed mail, Instant at, String error, boolean eraseText) {
		return jdbc.sql("""
				update mail_outbox set status = 'failed', failed_at = :at, last_error = :error,
				  body = case when :erase then null else body end,
				  html = case when :erase then null else html end
				where id = :id and status = 'sending' and attempts = :attempt""")
			.param("id", mail.id())
			.param("attempt", mail.attempt())
			.param("at", Timestamps.sql(at))
			.param("error", error)
			.param("erase", eraseText)
			.update() == 1;
	}

	/** Mails waiting to be sent, or being sent. */
	long backlog() {
		return jdbc.sql("select count(*) from mail_outbox where status in ('pending', 'sending')")
			.query(Long.class)
			.single();
	}

	/** Deletes sent and failed mails created before {@code cutoff}; answers how many. */
	int purge(Instant cutoff) {
		return jdbc.sql("delete from mail_outbox where status in ('sent', 'failed') and created_at < :cutoff")
			.param("cutoff", Timestamps.sql(cutoff))
			.update();
	}

	Optional<OutboxMail> find(UUID id) {
		return jdbc.sql("select * from mail_outbox where id = :id").param("id", id).query(this::row).optional();
	}

	/** Newest first, {@code limit + 1} rows so the caller knows whether more follow. */
	List<OutboxMail> list(@Nullable String to, @Nullable String status, @Nullable Long beforeSeq, int limit) {
		var sql = new StringBuilder("select * from mail_outbox where 1 = 1");
		var params = new LinkedHashMap<String, Object>();
		if (to != null) {
			sql.append(" and recipient = :to");
			params.put("to", to);
		}
		if (status != null) {
			sql.append(" and status = :status");
			params.put("status", status);
		}
		if (beforeSeq != null) {
			sql.append(" and seq < :before");
			params.put("before", beforeSeq);
		}
		sql.append(" order by seq desc limit :limit");
		params.put("limit", limit + 1);
		return jdbc.sql(sql.toString()).params(params).query(this::row).list();
	}

	private OutboxMail row(ResultSet rs, int n) throws SQLException {
		return new OutboxMail(rs.getObject("id", UUID.class), rs.getLong("seq"), rs.getString("recipient"),
				rs.getString("subject"), rs.getString("body"), rs.getString("html"), rs.getString("status"),
				rs.getInt("attempts"), Timestamps.readRequired(rs, "next_attempt_at"), rs.getString("last_error"),
				Timestamps.readRequired(rs, "created_at"), Timestamps.read(rs, "sent_at"),
				Timestamps.read(rs, "failed_at"));
	}

}

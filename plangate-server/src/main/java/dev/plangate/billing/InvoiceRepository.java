package dev.plangate.billing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** The invoices mirrored from Stripe; every read names the customer. */
@Repository
class InvoiceRepository {

	private final JdbcClient jdbc;

	InvoiceRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Writes an invoice unless a newer state of it was written already.
	 * @param stateAt when Stripe created the event this state comes from
	 * @param finalizedAt when Stripe finalized it, if it did
	 * @param paidAt when it was paid, if it is
	 * @return false when the stored state is newer
	 */
	boolean upsert(InvoiceView invoice, Instant stateAt, @Nullable Instant finalizedAt, @Nullable Instant paidAt) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("id", invoice.id());
		params.put("customer", invoice.customerId());
		params.put("number", invoice.number());
		params.put("status", invoice.status());
		params.put("currency", invoice.currency());
		params.put("total", invoice.total());
		params.put("due", invoice.amountDue());
		params.put("paid", invoice.amountPaid());
		params.put("remaining", invoice.amountRemaining());
		params.put("reason", invoice.billingReason());
		params.put("start", Timestamps.sql(invoice.periodStart()));
		params.put("end", Timestamps.sql(invoice.periodEnd()));
		params.put("dueAt", Timestamps.sql(invoice.dueAt()));
		params.put("hosted", invoice.hostedUrl());
		params.put("pdf", invoice.pdfUrl());
		params.put("created", Timestamps.sql(invoice.createdAt()));
		params.put("stateAt", Timestamps.sql(stateAt));
		params.put("at", Timestamps.sql(invoice.updatedAt()));
		params.put("finalizedAt", Timestamps.sql(finalizedAt));
		params.put("paidAt", Timestamps.sql(paidAt));
		int inserted = jdbc.sql("""
				insert into invoice (invoice_id, customer_id, number, status, currency, total, amount_due, amount_paid,
				  amount_remaining, billing_reason, period_start, period_end, due_at, hosted_url, pdf_url, created_at,
				  state_at, updated_at, finalized_at, paid_at)
				values (:id, :customer, :number, :status, :currency, :total, :due, :paid, :remaining, :reason, :start,
				  :end, :dueAt, :hosted, :pdf, :created, :stateAt, :at, :finalizedAt, :paidAt)
				on conflict do nothing""").params(params).update();
		if (inserted == 1) {
			return true;
		}
		return jdbc.sql("""
				update invoice set number = :number, status = :status, currency = :currency, total = :total,
				  amount_due = :due, amount_paid = :paid, amount_remaining = :remaining, billing_reason = :reason,
				  period_start = :start, period_end = :end, due_at = :dueAt, hosted_url = :hosted, pdf_url = :pdf,
				  state_at = :stateAt, updated_at = :at, finalized_at = coalesce(:finalizedAt, finalized_at),
				  paid_at = :paidAt
				where invoice_id = :id and customer_id = :customer and state_at <= :stateAt""")
			.params(params)
			.update() == 1;
	}

	/**
	 * A customer's invoices, newest first, from after the invoice {@code after} (a cursor
	 * of a page before) when given.
	 */
	List<InvoiceView> list(String customerId, @Nullable String after, int limit) {
		var sql = new StringBuilder("select * from invoice where customer_id = :customer");
		var params = new HashMap<String, Object>();
		params.put("customer", customerId);
		if (after != null) {
			var cursor = find(customerId, after);
			if (cursor.isEmpty()) {
				return List.of();
			}
			sql.append(" and (created_at < :cursorCreated")
				.append(" or (created_at = :cursorCreated and invoice_id < :cursorId))");
			params.put("cursorCreated", Timestamps.sql(cursor.get().createdAt()));
			params.put("cursorId", cursor.get().id());
		}
		sql.append(" order by created_at desc, invoice_id desc limit :limit");
		params.put("limit", limit);
		return jdbc.sql(sql.toString()).params(params).query(InvoiceRepository::row).list();
	}

	Optional<InvoiceView> find(String customerId, String invoiceId) {
		return jdbc.sql("select * from invoice where customer_id = :customer and invoice_id = :id")
			.param("customer", customerId)
			.param("id", invoiceId)
			.query(InvoiceRepository::row)
			.optional();
	}

	/** An invoice's figures for the revenue. */
	record RevenueRow(String status, String currency, long total, long amountPaid, @Nullable Instant finalizedAt,
			@Nullable Instant paidAt) {
	}

	/** The invoices of every customer finalized or paid at {@code since} or later. */
	List<RevenueRow> revenueSince(Instant since) {
		return jdbc.sql("""
				select status, currency, total, amount_paid, finalized_at, paid_at from invoice
				where finalized_at >= :since or paid_at >= :since""")
			.param("since", Timestamps.sql(since))
			.query((rs, n) -> new RevenueRow(rs.getString("status"), rs.getString("currency"), rs.getLong("total"),
					rs.getLong("amount_paid"), Timestamps.read(rs, "finalized_at"), Timestamps.read(rs, "paid_at")))
			.list();
	}

	private static InvoiceView row(ResultSet rs, int n) throws SQLException {
		return new InvoiceView(rs.getString("invoice_id"), rs.getString("customer_id"), rs.getString("number"),
				rs.getString("status"), rs.getString("currency"), rs.getLong("total"), rs.getLong("amount_due"),
				rs.getLong("amount_paid"), rs.getLong("amount_remaining"), rs.getString("billing_reason"),
				Timestamps.read(rs, "period_start"), Timestamps.read(rs, "period_end"), Timestamps.read(rs, "due_at"),
				rs.getString("hosted_url"), rs.getString("pdf_url"), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "updated_at"));
	}

}

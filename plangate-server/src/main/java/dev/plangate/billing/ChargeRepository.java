package dev.plangate.billing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** Charges; every list names the customer. */
@Repository
class ChargeRepository {

	private final JdbcClient jdbc;

	ChargeRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts a charge unless one for the same thing exists.
	 * @return false when it existed (made before, or by another node a moment ago)
	 */
	boolean insert(ChargeView c) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("id", c.id());
		params.put("kind", c.kind());
		params.put("customer", c.customerId());
		params.put("feature", c.feature());
		params.put("start", Timestamps.sql(c.periodStart()));
		params.put("end", Timestamps.sql(c.periodEnd()));
		params.put("grant", c.grantId() == null ? "" : c.grantId().toString());
		params.put("quantity", c.quantity());
		params.put("amount", c.amount());
		params.put("currency", c.currency());
		params.put("status", c.status());
		params.put("price", c.stripePrice());
		params.put("item", c.stripeInvoiceItemId());
		params.put("invoice", c.stripeInvoiceId());
		params.put("at", Timestamps.sql(c.createdAt()));
		return jdbc.sql("""
				insert into charge (id, kind, customer_id, feature_key, period_start, period_end, grant_key, quantity,
				  amount, currency, status, stripe_price, stripe_item_id, stripe_invoice_id, created_at, updated_at)
				values (:id, :kind, :customer, :feature, :start, :end, :grant, :quantity, :amount, :currency, :status,
				  :price, :item, :invoice, :at, :at)
				on conflict do nothing""").params(params).update() == 1;
	}

	boolean exists(String kind, String customerId, String feature, Instant periodStart, String grantKey) {
		return jdbc.sql("""
				select count(*) from charge where kind = :kind and customer_id = :customer and feature_key = :feature
				  and period_start = :start and grant_key = :grant""")
			.param("kind", kind)
			.param("customer", customerId)
			.param("feature", feature)
			.param("start", Timestamps.sql(periodStart))
			.param("grant", grantKey)
			.query(Long.class)
			.single() > 0;
	}

	/** The charge of a grant, if it has one. */
	Optional<ChargeView> ofGrant(UUID grantId) {
		return jdbc.sql("select * from charge where kind = 'grant' and grant_key = :grant")
			.param("grant", grantId.toString())
			.query(ChargeRepository::row)
			.optional();
	}

	Optional<ChargeView> ofInvoice(String stripeInvoiceId) {
		return jdbc.sql("select * from charge where stripe_invoice_id = :invoice")
			.param("invoice", stripeInvoiceId)
			.query(ChargeRepository::row)
			.optional();
	}

	/** Charges still to be sent to Stripe, oldest first. */
	List<ChargeView> pending(int limit) {
		return jdbc.sql("select * from charge where status = 'pending' order by created_at limit :limit")
			.param("limit", limit)
			.query(ChargeRepository::row)
			.list();
	}

	/**
	 * Takes a pending charge to send to Stripe, unless another node took it after
	 * {@code staleBefore}.
	 */
	boolean claim(UUID id, Instant now, Instant staleBefore) {
		return jdbc.sql("""
				update charge set claimed_at = :now
				where id = :id and status = 'pending' and (claimed_at is null or claimed_at < :stale)""")
			.param("id", id)
			.param("now", Timestamps.sql(now))
			.param("stale", Timestamps.sql(staleBefore))
			.update() == 1;
	}

	void sent(UUID id, String status, @Nullable String itemId, @Nullable String invoiceId, @Nullable String failure,
			Instant at) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("id", id);
		params.put("status", status);
		params.put("item", itemId);
		params.put("invoice", invoiceId);
		params.put("failure", failure);
		params.put("at", Timestamps.sql(at));
		jdbc.sql("""
				update charge set status = :status, stripe_item_id = coalesce(:item, stripe_item_id),
				  stripe_invoice_id = coalesce(:invoice, stripe_invoice_id), failure = :failure, updated_at = :at
				where id = :id""").params(params).update();
	}

	/**
	 * A customer's charges, newest first, from after the charge {@code after} (a cursor
	 * of a page before) when given.
	 */
	List<ChargeView> list(String customerId, @Nullable String after, int limit) {
		var sql = new StringBuilder("select * from charge where customer_id = :customer");
		var params = new HashMap<String, Object>();
		params.put("customer", customerId);
		if (after != null) {
			var cursor = find(customerId, after);
			if (cursor.isEmpty()) {
				return List.of();
			}
			sql.append(" and (created_at < :cursorCreated or (created_at = :cursorCreated and id < :cursorId))");
			params.put("cursorCreated", Timestamps.sql(cursor.get().createdAt()));
			params.put("cursorId", cursor.get().id());
		}
		sql.append(" order by created_at desc, id desc limit :limit");
		params.put("limit", limit);
		return jdbc.sql(sql.toString()).params(params).query(ChargeRepository::row).list();
	}

	Optional<ChargeView> find(String customerId, String id) {
		UUID uuid;
		try {
			uuid = UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
		return jdbc.sql("select * from charge where customer_id = :customer and id = :id")
			.param("customer", customerId)
			.param("id", uuid)
			.query(ChargeRepository::row)
			.optional();
	}

	private static ChargeView row(ResultSet rs, int n) throws SQLException {
		var grant = rs.getString("grant_key");
		return new ChargeView(rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("customer_id"),
				rs.getString("feature_key"), Timestamps.readRequired(rs, "period_start"),
				Timestamps.read(rs, "period_end"), grant.isEmpty() ? null : UUID.fromString(grant),
				rs.getLong("quantity"), rs.getLong("amount"), rs.getString("currency"), rs.getString("status"),
				rs.getString("stripe_price"), rs.getString("stripe_item_id"), rs.getString("stripe_invoice_id"),
				rs.getString("failure"), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "updated_at"));
	}

}

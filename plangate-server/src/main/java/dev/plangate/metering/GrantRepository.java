package dev.plangate.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.catalog.PlanView;
import dev.plangate.platform.Timestamps;

@Repository
class GrantRepository {

	/** The grants that may be drawn on now, in the order they are drawn. */
	private static final String ACTIVE = """
			select * from usage_grant
			where customer_id = :customer and feature_key = :feature and revoked_at is null and remaining > 0
			  and not awaiting_payment and starts_at <= :now and (expires_at is null or expires_at > :now)
			order by case when expires_at is null then 1 else 0 end, expires_at, created_at, id""";

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	GrantRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	void insert(Grant grant) {
		jdbc.sql(
				"""
						insert into usage_grant (id, customer_id, feature_key, amount, remaining, reason, starts_at, expires_at,
						  created_by, created_at, price_amount, price_currency, payment, awaiting_payment)
						values (:id, :customer, :feature, :amount, :remaining, :reason, :starts, :expires, :createdBy, :createdAt,
						  :priceAmount, :priceCurrency, :payment, :awaiting)""")
			.param("id", grant.id())
			.param("customer", grant.customerId())
			.param("feature", grant.feature())
			.param("amount", grant.amount())
			.param("remaining", grant.remaining())
			.param("reason", grant.reason())
			.param("starts", Timestamps.sql(grant.startsAt()))
			.param("expires", Timestamps.sql(grant.expiresAt()))
			.param("createdBy", grant.createdBy())
			.param("createdAt", Timestamps.sql(grant.createdAt()))
			.param("priceAmount", grant.price() == null ? null : grant.price().amount())
			.param("priceCurrency", grant.price() == null ? null : grant.price().currency())
			.param("payment", grant.payment())
			.param("awaiting", grant.awaitingPayment())
			.update();
	}

	/** Lets a grant awaiting its payment be drawn on; false when it was not waiting. */
	boolean paid(UUID id) {
		return jdbc.sql("update usage_grant set awaiting_payment = false where id = :id and awaiting_payment")
			.param("id", id)
			.update() == 1;
	}

	Optional<Grant> find(UUID id) {
		return jdbc.sql("select * from usage_grant where id = :id").param("id", id).query(this::grant).optional();
	}

	Optional<Grant> find(String customerId, UUID id) {
		return jdbc.sql("select * from usage_grant where id = :id and customer_id = :customer")
			.param("id", id)
			.param("customer", customerId)
			.query(this::grant)
			.optional();
	}

	/** A customer's grants, newest first, of one feature or of all. */
	List<Grant> list(String customerId, String feature) {
		return jdbc.sql("""
				select * from usage_grant where customer_id = :customer and (:feature = '' or feature_key = :feature)
				order by created_at desc, id""")
			.param("customer", customerId)
			.param("feature", feature)
			.query(this::grant)
			.list();
	}

	/** Revokes a grant not revoked yet; false when it was. */
	boolean revoke(UUID id, Instant at) {
		return jdbc.sql("update usage_grant set revoked_at = :at where id = :id and revoked_at is null")
			.param("id", id)
			.param("at", Timestamps.sql(at))
			.update() == 1;
	}

	/** The grants that may be drawn on now, locked until the transaction ends. */
	List<Grant> lockActive(String customerId, String feature, Instant now) {
		return jdbc.sql(ACTIVE + " for update")
			.param("customer", customerId)
			.param("feature", feature)
			.param("now", Timestamps.sql(now))
			.query(this::grant)
			.list();
	}

	/** The grants that may be drawn on now. */
	List<Grant> active(String customerId, String feature, Instant now) {
		return jdbc.sql(ACTIVE)
			.param("customer", customerId)
			.param("feature", feature)
			.param("now", Timestamps.sql(now))
			.query(this::grant)
			.list();
	}

	/** Takes the draws of recorded consumes from their grants. */
	void applyDraws(List<GrantDraws.Draw> draws, Instant at) {
		if (draws.isEmpty()) {
			return;
		}
		var params = new SqlParameterSource[draws.size()];
		for (int i = 0; i < params.length; i++) {
			var draw = draws.get(i);
			params[i] = new MapSqlParameterSource().addValue("customer", draw.event().customerId())
				.addValue("event", draw.event().eventId())
				.addValue("grant", draw.grantId())
				.addValue("feature", draw.event().feature())
				.addValue("period", Timestamps.sql(draw.event().periodStart()))
				.addValue("amount", draw.amount())
				.addValue("at", Timestamps.sql(at));
		}
		batch.batchUpdate("update usage_grant set remaining = remaining - :amount where id = :grant", params);
		batch.batchUpdate("""
				insert into grant_draw (customer_id, event_id, grant_id, feature_key, period_start, amount, drawn_at)
				values (:customer, :event, :grant, :feature, :period, :amount, :at)""", params);
	}

	/** What a customer's consumes drew from grants in one period of a feature. */
	long drawnIn(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select coalesce(sum(amount), 0) from grant_draw
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.single();
	}

	private Grant grant(ResultSet rs, int n) throws SQLException {
		return new Grant(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("feature_key"),
				rs.getLong("amount"), rs.getLong("remaining"), rs.getString("reason"),
				Timestamps.readRequired(rs, "starts_at"), Timestamps.read(rs, "expires_at"), rs.getString("created_by"),
				Timestamps.readRequired(rs, "created_at"), Timestamps.read(rs, "revoked_at"),
				rs.getString("price_currency") == null ? null
						: new PlanView.Price(rs.getLong("price_amount"), rs.getString("price_currency")),
				rs.getString("payment"), rs.getBoolean("awaiting_payment"));
	}

}

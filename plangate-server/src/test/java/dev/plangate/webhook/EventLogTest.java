package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.support.ServerTest;

class EventLogTest extends ServerTest {

	@Autowired
	ApplicationEventPublisher publisher;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	JdbcClient jdbc;

	@Test
	void anEventIsStoredWithTheTransactionThatPublishesIt() {
		// given
		var customer = uniqueId("log");

		// when
		transactions.executeWithoutResult(
				tx -> publisher.publishEvent(new OutboundEvent("customer.created", customer, Map.of("id", customer))));

		// then
		var stored = jdbc.sql("select * from event_log where customer_id = :c")
			.param("c", customer)
			.query(EventLog::row)
			.single();
		assertThat(stored.type()).isEqualTo("customer.created");
		assertThat(stored.data()).isEqualTo("{\"id\":\"" + customer + "\"}");
	}

	@Test
	void anEventIsGoneWithTheTransactionThatRollsBack() {
		// given
		var customer = uniqueId("log");

		// when
		assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
			publisher.publishEvent(new OutboundEvent("customer.created", customer, Map.of("id", customer)));
			throw new IllegalStateException("the change fails after its event");
		})).hasMessageContaining("the change fails");

		// then
		assertThat(countFor(customer)).isZero();
	}

	@Test
	void anEventOutsideATransactionIsRefusedSoItCannotOutliveItsChange() {
		// given
		var customer = uniqueId("log");

		// then
		assertThatIllegalStateException().isThrownBy(
				() -> publisher.publishEvent(new OutboundEvent("customer.created", customer, Map.of("id", customer))))
			.withMessageContaining("outside a transaction");
		assertThat(countFor(customer)).isZero();
	}

	@Test
	void aTypeOutsideTheCatalogsShapeIsRefused() {
		for (var bad : new String[] { "", "customer", "Customer.Created", "customer.", ".created",
				"customer created" }) {
			assertThatThrownBy(() -> new OutboundEvent(bad, null, Map.of())).as(bad)
				.isInstanceOf(IllegalArgumentException.class);
		}
	}

	private long countFor(String customer) {
		return jdbc.sql("select count(*) from event_log where customer_id = :c")
			.param("c", customer)
			.query(Long.class)
			.single();
	}

}

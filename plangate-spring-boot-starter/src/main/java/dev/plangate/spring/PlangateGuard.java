package dev.plangate.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;

import dev.plangate.client.ConcurrencyLimitReachedException;
import dev.plangate.client.Consume;
import dev.plangate.client.Lease;
import dev.plangate.client.Plangate;
import dev.plangate.client.RefusedException;

/**
 * Runs a bean's method only if Plangate allows it: {@link RequiresFeature} checks,
 * {@link ConcurrencyLimited} takes a lease held until the method returns, then
 * {@link Consumes} consumes (so a call refused for its concurrency is not charged, and a
 * refused consume gives its lease back). Annotations on the method win over those on its
 * class.
 */
public class PlangateGuard implements MethodInterceptor {

	private static final int MAX_IDEMPOTENCY_KEY = 200;

	private final ObjectProvider<Plangate> plangate;

	private final ObjectProvider<PlangateCustomerResolver> resolver;

	private final Supplier<@Nullable String> idempotencyKey;

	private final Map<Method, Gates> gates = new ConcurrentHashMap<>();

	/**
	 * @param idempotencyKey the current request's idempotency key, if any
	 */
	public PlangateGuard(ObjectProvider<Plangate> plangate, ObjectProvider<PlangateCustomerResolver> resolver,
			Supplier<@Nullable String> idempotencyKey) {
		this.plangate = plangate;
		this.resolver = resolver;
		this.idempotencyKey = idempotencyKey;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		var target = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
				: AopUtils.getTargetClass(invocation.getThis());
		var gates = this.gates.computeIfAbsent(AopUtils.getMostSpecificMethod(invocation.getMethod(), target),
				method -> Gates.of(method, target));
		if (gates.none()) {
			return invocation.proceed();
		}
		var client = plangate.getObject();
		var customer = customer(invocation, gates);
		if (gates.requires() != null) {
			for (var feature : gates.requires().value()) {
				var decision = client.check(customer, feature);
				if (!decision.allowed()) {
					throw new PlangateRefusalException(decision);
				}
			}
		}
		// the lease first: a call refused for its concurrency is not charged
		Lease lease = null;
		if (gates.concurrency() != null) {
			try {
				lease = client.lease(customer, gates.concurrency().value(),
						Duration.ofSeconds(gates.concurrency().ttlSeconds()));
			}
			catch (ConcurrencyLimitReachedException ex) {
				throw new PlangateRefusalException(ex);
			}
		}
		try (var held = lease) {
			if (gates.consumes() != null) {
				consume(client, customer, gates.consumes());
			}
			return invocation.proceed();
		}
	}

	private void consume(Plangate client, String customer, Consumes consumes) {
		var consume = Consume.of(customer, consumes.feature()).withAmount(consumes.amount());
		var key = idempotencyKey.get();
		if (key != null && !key.isBlank()) {
			var scoped = customer + ":" + consumes.feature() + ":" + key;
			if (scoped.length() <= MAX_IDEMPOTENCY_KEY) {
				consume = consume.withIdempotencyKey(scoped);
			}
		}
		try {
			client.consume(consume);
		}
		catch (RefusedException ex) {
			throw new PlangateRefusalException(ex);
		}
	}

	private String customer(MethodInvocation invocation, Gates gates) {
		if (gates.customerParameter() >= 0) {
			var value = invocation.getArguments()[gates.customerParameter()];
			if (value == null) {
				throw new CustomerUnresolvedException("The @CustomerId parameter of " + invocation.getMethod().getName()
						+ " is null: no customer to ask Plangate about");
			}
			return value.toString();
		}
		var resolver = this.resolver.getIfAvailable();
		if (resolver == null) {
			throw new IllegalStateException("No PlangateCustomerResolver bean says which customer "
					+ invocation.getMethod().getDeclaringClass().getSimpleName() + "."
					+ invocation.getMethod().getName()
					+ " is called for: declare one, or mark the parameter holding the id @CustomerId");
		}
		var id = resolver.customerId();
		if (id == null || id.isBlank()) {
			throw new CustomerUnresolvedException("No customer to ask Plangate about: the request names none");
		}
		return id;
	}

	/** What a method asks of Plangate, found once per method. */
	record Gates(@Nullable RequiresFeature requires, @Nullable Consumes consumes,
			@Nullable ConcurrencyLimited concurrency, int customerParameter) {

		boolean none() {
			return requires == null && consumes == null && concurrency == null;
		}

		static Gates of(Method method, Class<?> target) {
			int parameter = -1;
			var annotations = method.getParameterAnnotations();
			for (int i = 0; i < annotations.length; i++) {
				for (var annotation : annotations[i]) {
					if (annotation instanceof CustomerId) {
						parameter = i;
					}
				}
			}
			return new Gates(find(method, target, RequiresFeature.class), find(method, target, Consumes.class),
					find(method, target, ConcurrencyLimited.class), parameter);
		}

		private static <A extends java.lang.annotation.Annotation> @Nullable A find(Method method, Class<?> target,
				Class<A> type) {
			var onMethod = AnnotatedElementUtils.findMergedAnnotation(method, type);
			if (onMethod != null) {
				return onMethod;
			}
			return MergedAnnotations.from(target, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
				.get(type)
				.synthesize(a -> a.isPresent())
				.orElse(null);
		}

	}

}

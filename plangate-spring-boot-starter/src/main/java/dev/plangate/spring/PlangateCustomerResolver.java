package dev.plangate.spring;

import org.jspecify.annotations.Nullable;

/**
 * Says which customer the current call is made for: the product implements it as a bean
 * (from the security principal, a tenant header, a path variable), and
 * {@link RequiresFeature}, {@link Consumes} and {@link ConcurrencyLimited} ask it on the
 * calling thread before the method runs. A method parameter marked {@link CustomerId}
 * takes precedence.
 *
 * <pre>{@code
 * &#64;Bean
 * PlangateCustomerResolver customers(HttpServletRequest request) {
 *     return () -> request.getHeader("X-Customer-Id");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PlangateCustomerResolver {

	/**
	 * The Plangate id of the customer the current call is for; null when there is none
	 * (the call is then refused with {@link CustomerUnresolvedException}).
	 */
	@Nullable String customerId();

}

package dev.plangate.spring;

/**
 * A method guarded by {@link RequiresFeature}, {@link Consumes} or
 * {@link ConcurrencyLimited} was called with no customer to decide for: the
 * {@link PlangateCustomerResolver} answered none (a web request answers it 401).
 */
public class CustomerUnresolvedException extends RuntimeException {

	public CustomerUnresolvedException(String message) {
		super(message);
	}

}

package io.mesh4j.internal.lb;

/** Primality for configuration values (table sizes): trial division is plenty for ints. */
final class Primes {

  private Primes() {}

  static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}

package id.lumbung.core.payment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaymentRulesTest {

    @Test
    void wholeRupiahFromOneToTheConfiguredMaximum() {
        PaymentRules rules = new PaymentRules(10_000_000L);
        assertThat(rules.amountInRange(0)).isFalse();
        assertThat(rules.amountInRange(-1)).isFalse();
        assertThat(rules.amountInRange(1)).isTrue();
        assertThat(rules.amountInRange(10_000_000L)).isTrue();
        assertThat(rules.amountInRange(10_000_001L)).isFalse();
        assertThat(rules.amountMaxRupiah()).isEqualTo(10_000_000L);
    }

    @Test
    void minorUnitsMustBeWholeRupiahInRange() {
        PaymentRules rules = new PaymentRules(10_000_000L);
        assertThat(rules.minorUnitsInRange(1_500_000L)).isTrue();   // Rp15,000.00
        assertThat(rules.minorUnitsInRange(100L)).isTrue();         // Rp1.00
        assertThat(rules.minorUnitsInRange(1_000_000_000L)).isTrue(); // the maximum
        assertThat(rules.minorUnitsInRange(0L)).isFalse();
        assertThat(rules.minorUnitsInRange(150L)).isFalse();        // 50 sen
        assertThat(rules.minorUnitsInRange(-100L)).isFalse();
        assertThat(rules.minorUnitsInRange(1_000_000_100L)).isFalse();
    }

    @Test
    void theCurrencyIsRupiahByCodeAndNumber() {
        assertThat(PaymentRules.CURRENCY).isEqualTo("IDR");
        assertThat(PaymentRules.CURRENCY_NUMERIC).isEqualTo("360");
    }

    @Test
    void aMaximumBelowOneIsRefused() {
        assertThatThrownBy(() -> new PaymentRules(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

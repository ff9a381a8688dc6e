package dev.tern.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryFrontierTest {

    @Test
    void fanInAndFanOutWaitForTheSlowestSubscriber() {
        DeliveryFrontier fanout = new DeliveryFrontier(Scenario.FANOUT, 1, 3);
        fanout.received(0, 0, 50);
        fanout.received(0, 1, 40);
        assertThat(fanout.reached(0)).as("subscriber 2 has nothing yet").isZero();
        fanout.received(0, 2, 45);
        assertThat(fanout.reached(0)).isEqualTo(40);
    }

    @Test
    void aDroppedMessageDoesNotHoldTheFrontierBack() {
        DeliveryFrontier fanin = new DeliveryFrontier(Scenario.FANIN, 2, 1);
        fanin.received(1, 0, 7);
        fanin.received(1, 0, 9); // 8 was dropped by the broker
        fanin.received(1, 0, 8 - 5); // a late, reordered one does not move it back
        assertThat(fanin.reached(1)).isEqualTo(9);
        assertThat(fanin.reached(0)).isZero();
    }

    @Test
    void pairsWaitForTheirOwnSubscriberAndSharedForAnyMember() {
        DeliveryFrontier pairs = new DeliveryFrontier(Scenario.PAIRS, 2, 2);
        pairs.received(1, 1, 30);
        assertThat(pairs.reached(1)).isEqualTo(30);
        assertThat(pairs.reached(0)).isZero();
        DeliveryFrontier shared = new DeliveryFrontier(Scenario.SHARED, 1, 3);
        shared.received(0, 2, 12);
        assertThat(shared.reached(0)).isEqualTo(12);
    }

    @Test
    void nothingToWaitForWithoutSubscribersOfThatPublisher() {
        assertThat(new DeliveryFrontier(Scenario.PUB, 1, 0).reached(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(new DeliveryFrontier(Scenario.FANOUT, 2, 3).reached(1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void indexesOutsideTheRunAreIgnored() {
        DeliveryFrontier fanin = new DeliveryFrontier(Scenario.FANIN, 1, 1);
        fanin.received(5, 0, 100);
        fanin.received(-1, 0, 100);
        assertThat(fanin.reached(0)).isZero();
    }
}

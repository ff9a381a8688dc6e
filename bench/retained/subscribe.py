import sys, time, threading
import paho.mqtt.client as mqtt
port = int(sys.argv[1]); n = int(sys.argv[2]); qos = int(sys.argv[3])
got = [0]; done = threading.Event(); t0 = [0.0]
def on_message(c, u, m):
    got[0] += 1
    if got[0] >= n:
        done.set()
c = mqtt.Client(client_id="ret-sub", clean_session=True)
c.on_message = on_message
c.connect("127.0.0.1", port, 60)
c.loop_start()
t0[0] = time.time()
c.subscribe("r/#", qos)
done.wait(600)
print("received %d retained (qos %d) in %.1f s" % (got[0], qos, time.time() - t0[0]))
c.loop_stop(); c.disconnect()

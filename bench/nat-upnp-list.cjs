// nat-upnp's getMappings, as a peer to compare with (dev-dependency of bench only): prints the count.
const natUpnp = require('nat-upnp');
const client = natUpnp.createClient();
const timer = setTimeout(() => {
  console.log('timeout');
  process.exit(3);
}, 60000);
client.getMappings((err, list) => {
  clearTimeout(timer);
  if (err) {
    console.log(`error: ${err.message}`);
    process.exit(2);
  }
  console.log(String(list.length));
  client.close();
  process.exit(0);
});

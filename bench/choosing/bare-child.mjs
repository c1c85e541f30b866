process.send(1);

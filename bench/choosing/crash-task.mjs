// Input 'exit' ends the process (or thread) it runs in; 'throw-later' throws from a timer, where no
// promise can catch it; anything else is returned.
export default async (input) => {
  if (input === 'exit') process.exit(3);
  if (input === 'throw-later') {
    await new Promise((_, reject) => {
      setTimeout(() => {
        throw new Error('thrown from a timer');
      }, 1);
      setTimeout(() => reject(new Error('unreachable')), 1000);
    });
  }
  return input;
};
